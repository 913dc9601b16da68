package org.sipscreen.records.report;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What each upstream peer sent in a time window, from the decision records: per peer and UTC day, the calls
 * and their results, why calls were blocked or tagged, what the checks flagged, the STIR/SHAKEN attestation
 * mix, and per peer over the window the signers and the caller IDs and prefixes with the most blocked calls.
 */
public final class PeerReport {

  /**
   * @param from the window's start, inclusive
   * @param to the window's end, inclusive
   * @param peer only this peer, or null for every peer
   * @param top how many callers, prefixes and signers to list per peer
   * @param shortCallSeconds an ended call shorter than this many seconds is short (1 to 60)
   */
  public record Query(Instant from, Instant to, String peer, int top, int shortCallSeconds) {

    /** Short calls are those under {@value #SHORT_CALL_SECONDS} s. */
    public static final int SHORT_CALL_SECONDS = 6;

    public Query(Instant from, Instant to, String peer, int top) {
      this(from, to, peer, top, SHORT_CALL_SECONDS);
    }

    /**
     * A short-call threshold as given by an operator: whole seconds, {@code 6} or {@code 6s}; null is the
     * default.
     */
    public static int shortCallSeconds(String text) {
      if (text == null) {
        return SHORT_CALL_SECONDS;
      }
      String digits = text.endsWith("s") ? text.substring(0, text.length() - 1) : text;
      try {
        return Integer.parseInt(digits.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("short call threshold must be whole seconds such as 6s, was '"
            + text + "'");
      }
    }

    public Query {
      if (shortCallSeconds < 1 || shortCallSeconds > Tally.DURATION_SECONDS) {
        throw new IllegalArgumentException("short call threshold must be 1-" + Tally.DURATION_SECONDS
            + " s, was " + shortCallSeconds);
      }
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
      }
      if (top < 1 || top > 1000) {
        throw new IllegalArgumentException("top must be 1-1000, was " + top);
      }
    }
  }

  /** The peer name of records without one (the chain failed, or an unknown source in shadow mode). */
  public static final String NO_PEER = "(none)";

  /** Distinct callers, prefixes and signers counted exactly per peer before counts become estimates. */
  static final int TOP_CAPACITY = 20_000;

  /** One peer: per day, over the window, and its top lists. */
  static final class Peer {
    final String name;
    final Map<String, Tally> days = new TreeMap<>();
    final Tally total = new Tally();
    final TopCounter blockedCallers = new TopCounter(TOP_CAPACITY);
    final TopCounter blockedPrefixes = new TopCounter(TOP_CAPACITY);
    final TopCounter signers = new TopCounter(TOP_CAPACITY);

    Peer(String name) {
      this.name = name;
    }

    Tally day(String day) {
      return days.computeIfAbsent(day, d -> new Tally());
    }

    private String lastDay;
    private Tally lastDayTally;

    /** The tally of the UTC day of a record time ({@code 2026-11-28T19:04:00.123Z}). */
    Tally dayOf(String time) {
      int n = Math.min(10, time.length());
      if (lastDay == null || lastDay.length() != n || !time.regionMatches(0, lastDay, 0, n)) {
        lastDay = time.substring(0, n);
        lastDayTally = day(lastDay);
      }
      return lastDayTally;
    }

    void addAll(Peer other) {
      other.days.forEach((d, t) -> day(d).addAll(t));
      total.addAll(other.total);
      blockedCallers.addAll(other.blockedCallers);
      blockedPrefixes.addAll(other.blockedPrefixes);
      signers.addAll(other.signers);
    }
  }

  final Query query;
  final Map<String, Peer> peers = new TreeMap<>();
  long records;
  int files;
  long bytes;
  long unreadableLines;
  long millis;
  int filesFromSummaries;
  int summariesNotWritten;

  PeerReport(Query query) {
    this.query = query;
  }

  Peer peer(String name) {
    return peers.computeIfAbsent(name, Peer::new);
  }

  void addAll(PeerReport other) {
    other.peers.forEach((n, p) -> peer(n).addAll(p));
    records += other.records;
    files += other.files;
    bytes += other.bytes;
    unreadableLines += other.unreadableLines;
    filesFromSummaries += other.filesFromSummaries;
    summariesNotWritten += other.summariesNotWritten;
  }

  /**
   * Adds the counts of one whole file ({@code file}, of every peer and an unbounded window), keeping the
   * peer asked for.
   */
  void addFile(PeerReport file, long fileBytes) {
    file.peers.forEach((n, p) -> {
      if (query.peer() == null || query.peer().equals(n)) {
        peer(n).addAll(p);
        records += p.total.calls;
      }
    });
    files++;
    bytes += fileBytes;
    unreadableLines += file.unreadableLines;
  }

  public Query query() {
    return query;
  }

  /** Records counted (inside the window and of the peer asked for). */
  public long records() {
    return records;
  }

  public int files() {
    return files;
  }

  public long bytes() {
    return bytes;
  }

  /** Lines that were not records (a line a crash cut short). */
  public long unreadableLines() {
    return unreadableLines;
  }

  /** Files counted from their summaries instead of their records. */
  public int filesFromSummaries() {
    return filesFromSummaries;
  }

  /** Summaries that could not be written (a records directory the report may not write to). */
  public int summariesNotWritten() {
    return summariesNotWritten;
  }

  /** How long the scan took. */
  public long millis() {
    return millis;
  }

  /** The peers in the report, by name. */
  public java.util.Set<String> peerNames() {
    return java.util.Collections.unmodifiableSet(peers.keySet());
  }
}
