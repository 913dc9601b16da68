package org.sipscreen.http;

import java.util.Map;

/**
 * What {@code GET /readyz} answers: ready when every SIP listener is up, the config's lists are loaded
 * and no shutdown has begun; {@code detail} says which of them is missing, or what runs.
 */
public record Readiness(boolean ready, String detail) {

  /**
   * @param lists entries of each loaded list by name; empty when no snapshot runs yet
   */
  public static Readiness of(boolean draining, int listeners, int listenersUp, Map<String, Long> lists,
      boolean snapshotRunning) {
    StringBuilder lines = new StringBuilder();
    lines.append("sip_listeners_up ").append(listenersUp).append('/').append(listeners).append('\n');
    lists.forEach((name, entries) -> lines.append("list ").append(name).append(' ').append(entries)
        .append('\n'));
    if (draining) {
      return new Readiness(false, "not ready: shutting down\n" + lines);
    }
    if (listeners == 0 || listenersUp < listeners) {
      return new Readiness(false, "not ready: sip listeners down\n" + lines);
    }
    if (!snapshotRunning) {
      return new Readiness(false, "not ready: config and lists not loaded\n" + lines);
    }
    return new Readiness(true, "ready\n" + lines);
  }
}
