package org.sipscreen.screening.check.reputation;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the running proxy gives the reputation check: a client of the remote service (sockets), one per
 * service settings, so that a reload with unchanged settings keeps the client and its connections.
 * Offered through {@link org.sipscreen.screening.check.CheckContext#service}.
 */
public interface ReputationServices {

  Optional<ReputationSource> source(Service service);

  /** Checks the service's settings (its URL template) without making a client. */
  default void validate(Service service) {}

  /** The remote service as config describes it. */
  record Service(String url, Duration connectTimeout, Duration requestTimeout, int maxConnections,
      int maxResponseBytes) {
    public Service {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      if (maxConnections < 1 || maxConnections > 1024) {
        throw new IllegalArgumentException("max_connections must be 1-1024, was " + maxConnections);
      }
      if (maxResponseBytes < 64 || maxResponseBytes > 1 << 20) {
        throw new IllegalArgumentException(
            "max_response_size must be 64B-1MiB, was " + maxResponseBytes + " bytes");
      }
    }
  }
}
