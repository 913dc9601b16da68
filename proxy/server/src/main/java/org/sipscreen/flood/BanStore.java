package org.sipscreen.flood;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The banned sources ({@link SourceKey}s) and until when. {@link #banned} is asked for every request from a
 * source over the flood check, so it must answer from memory; a store shared by a fleet of proxies keeps a
 * local copy for it and spreads {@link #ban} and {@link #unban} to the others.
 */
public interface BanStore {

  /** One ban: the source, its peer when it has one, since and until when. */
  record Ban(long source, Optional<String> peer, Instant since, Instant until) {
    /** The source as an operator writes it ({@code 192.0.2.7}, {@code 2001:db8::/64}). */
    public String address() {
      return SourceKey.text(source);
    }
  }

  /** Whether {@code source} is banned now. Called on the hot path: no I/O, no allocation when empty. */
  boolean banned(long source);

  /** Bans {@code source} for {@code duration} from now; a source already banned keeps the later end. */
  void ban(long source, Optional<String> peer, Duration duration);

  /** Lifts the ban on {@code source}; the ban lifted, or empty when it was not banned. */
  Optional<Ban> unban(long source);

  /** The bans in force, soonest to end first. */
  List<Ban> active();

  /** How many bans are in force. */
  int size();
}
