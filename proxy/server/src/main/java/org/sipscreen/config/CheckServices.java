package org.sipscreen.config;

import java.util.Map;
import java.util.Optional;
import org.sipscreen.screening.check.reputation.ReputationServices;

/**
 * The clients the server offers to checks that talk to the network, by type
 * ({@link org.sipscreen.screening.check.CheckContext#service}). {@link #OFFLINE} offers none of them, only
 * what checks the settings: for check-config and for building a chain before the event loops run.
 */
public record CheckServices(Map<Class<?>, Object> byType) {

  /** No network clients; the reputation service's settings are still checked. */
  public static final CheckServices OFFLINE = new CheckServices(Map.of(ReputationServices.class,
      new ReputationServices() {
        @Override
        public Optional<org.sipscreen.screening.check.reputation.ReputationSource> source(Service service) {
          return Optional.empty();
        }

        @Override
        public void validate(Service service) {
          org.sipscreen.reputation.HttpReputationSource.Settings.of(service); // the URL template
        }
      }));

  public CheckServices {
    byType = Map.copyOf(byType);
  }

  public <T> Optional<T> get(Class<T> type) {
    return Optional.ofNullable(byType.get(type)).map(type::cast);
  }
}
