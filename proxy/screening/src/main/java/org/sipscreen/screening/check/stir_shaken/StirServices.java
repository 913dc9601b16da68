package org.sipscreen.screening.check.stir_shaken;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the running proxy gives stir_shaken that a config check must not have: a certificate fetcher
 * (sockets) and the listener that counts what the certificate cache does. Offered through
 * {@link org.sipscreen.screening.check.CheckContext#service}.
 */
public interface StirServices {

  /** The fetcher for these settings; the same one for equal settings (its connections survive a reload). */
  Optional<CertificateFetcher> fetcher(FetchSettings settings);

  CertificateCache.Listener listener();

  /** Observes the time, in nanoseconds, each INVITE's verification took (certificate at hand). */
  java.util.function.LongConsumer verificationTimes();

  /** {@code stir_shaken.fetch} with its CA files resolved. */
  record FetchSettings(boolean allowHttp, boolean allowPrivateAddresses, int maxResponseBytes,
      Duration timeout, List<Path> caFiles) {
    public FetchSettings {
      caFiles = List.copyOf(caFiles);
    }
  }
}
