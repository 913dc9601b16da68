package org.sipscreen.screening.check;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;

/** What a module may use to build its check, besides its own section. */
public interface CheckContext {

  /** The folder of the config file: relative file names resolve against it. */
  Path base();

  /** Number normalization (the configured default country code). */
  PhoneNumbers numbers();

  /** The configured peers, by network. */
  PeerTable peers();

  /** {@code peers.<peer>.checks.<check>} of every peer that has one, by peer name. */
  Map<String, PeerOverride> peerOverrides(String check);

  /**
   * A client the server offers to checks that talk to the network (a reputation service, a certificate
   * fetcher); empty while preparing a config (check-config, before the event loops run): a module then
   * builds its check without it and gets it in {@link CheckModule#live}.
   */
  <T> Optional<T> service(Class<T> type);

  /** {@code file} resolved against {@link #base()}. */
  default Path resolve(String file) {
    return base().resolve(file);
  }

  /** Loads a number list named at {@code key}, with an error that names the key and the line. */
  default NumberList loadList(String key, String file) throws CheckConfigException {
    Path path = resolve(file);
    try {
      return NumberList.load(path);
    } catch (IOException e) {
      throw new CheckConfigException(key, "cannot read " + path + ": " + CheckConfigException.describe(e),
          e);
    } catch (IllegalArgumentException e) {
      throw new CheckConfigException(key, e.getMessage(), e);
    }
  }
}
