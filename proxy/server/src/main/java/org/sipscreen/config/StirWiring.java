package org.sipscreen.config;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.sipscreen.screening.stir.CertificateCache;
import org.sipscreen.screening.stir.CertificateFetcher;

/**
 * What the running proxy gives the stir_shaken check that a config check must not have: the certificate
 * fetcher (sockets) and the listener that counts cache hits, misses and fetch failures.
 *
 * @param fetcher makes the HTTPS fetcher {@code screening.stir_shaken.fetch} describes (its ca_files
 *     already resolved to paths); empty for none; may throw UncheckedIOException for an unreadable CA file
 * @param listener counts what the certificate cache does
 */
public record StirWiring(Function<CheckConfigs.StirFetch, Optional<CertificateFetcher>> fetcher,
    CertificateCache.Listener listener) {

  /** No fetching (preloaded certificates only), nothing counted: for check-config and the warm-up. */
  public static final StirWiring OFFLINE = new StirWiring(f -> Optional.empty(), CertificateCache.Listener.NONE);

  public StirWiring {
    Objects.requireNonNull(fetcher, "fetcher");
    Objects.requireNonNull(listener, "listener");
  }
}
