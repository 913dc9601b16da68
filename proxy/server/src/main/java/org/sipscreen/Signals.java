package org.sipscreen;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles a POSIX signal through {@code sun.misc.Signal} (module jdk.unsupported), looked up reflectively
 * so that a JVM without it, or one that refuses the signal (e.g. with -Xrs), only loses the handler.
 */
final class Signals {

  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Runs {@code action} on each signal {@code name} (e.g. "HUP"); false when it cannot be handled. */
  static boolean handle(String name, Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object sig = signal.getConstructor(String.class).newInstance(name);
      Object proxy = java.lang.reflect.Proxy.newProxyInstance(Signals.class.getClassLoader(),
          new Class<?>[] {handler}, (p, method, args) -> {
            if (method.getName().equals("handle")) {
              action.run();
              return null;
            }
            if (method.getName().equals("toString")) {
              return "sipscreen SIG" + name + " handler";
            }
            if (method.getName().equals("hashCode")) {
              return System.identityHashCode(p);
            }
            if (method.getName().equals("equals")) {
              return p == args[0];
            }
            return null;
          });
      Object previous = signal.getMethod("handle", signal, handler).invoke(null, sig, proxy);
      if (previous == handler.getField("SIG_IGN").get(null)) {
        // The JVM was started with the signal ignored (nohup does that to SIGHUP) and keeps it so.
        log.warn("SIG{} is ignored by this process (started under nohup?); reload with POST"
            + " /admin/reload or a file change", name);
        return false;
      }
      return true;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
      log.warn("SIG{} cannot be handled here ({}); reload with POST /admin/reload or a file change",
          name, cause);
      return false;
    }
  }
}
