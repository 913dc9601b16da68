package org.sipscreen;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shutdown side of a running proxy: whether it is draining, and the hooks that run once at shutdown,
 * in registration order, after the sockets have drained (a recorder flushes there). A failing hook is
 * logged and the next one still runs.
 */
final class Lifecycle {

  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  private final List<AutoCloseable> hooks = new CopyOnWriteArrayList<>();
  private final AtomicBoolean ran = new AtomicBoolean();
  private volatile boolean draining;

  void onShutdown(AutoCloseable hook) {
    hooks.add(java.util.Objects.requireNonNull(hook, "hook"));
  }

  void startDraining() {
    draining = true;
  }

  boolean draining() {
    return draining;
  }

  void runHooks() {
    draining = true;
    if (!ran.compareAndSet(false, true)) {
      return;
    }
    for (AutoCloseable hook : hooks) {
      try {
        hook.close();
      } catch (Exception | Error e) {
        log.error("shutdown hook {} failed", hook, e);
      }
    }
  }
}
