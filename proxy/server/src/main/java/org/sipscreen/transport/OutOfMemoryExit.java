package org.sipscreen.transport;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the process on an {@link OutOfMemoryError} of any kind, heap or direct (Netty's
 * {@code OutOfDirectMemoryError}), wherever one surfaces: in a pipeline's {@code exceptionCaught}, where
 * Netty hands errors of its reads and allocations and where {@code -XX:+ExitOnOutOfMemoryError} never sees
 * them, or in a thread that dies of one. A proxy out of memory must not limp on dropping connections one by
 * one: it logs the error once and halts with {@link #EXIT_CODE}, so the service manager restarts it (the
 * proxy is stateless). Halt, not exit: shutdown hooks would need memory there is none of.
 */
public final class OutOfMemoryExit {

  /** The exit status, the one the JVM's own {@code ExitOnOutOfMemoryError} uses. */
  public static final int EXIT_CODE = 3;

  private static final Logger log = LoggerFactory.getLogger(OutOfMemoryExit.class);

  /**
   * The line written straight to standard error when logging the error fails for want of memory (the heap
   * can be as full as direct memory): made before it is needed, since then nothing can be made.
   */
  private static final byte[] UNLOGGED = ("out of memory (no memory left to log which); exiting with status "
      + EXIT_CODE + " so that the service manager restarts the proxy\n").getBytes(StandardCharsets.US_ASCII);

  /** The process's: halts the JVM. */
  public static final OutOfMemoryExit PROCESS =
      new OutOfMemoryExit(code -> Runtime.getRuntime().halt(code), System.err);

  private final IntConsumer halt;
  private final PrintStream stderr;
  /** Written under this object's lock; read by {@link #triggered} without it. */
  private volatile boolean logged;

  /** @param halt ends the process with the given status (tests record it instead) */
  public OutOfMemoryExit(IntConsumer halt) {
    this(halt, System.err);
  }

  /**
   * @param halt ends the process with the given status (tests record it instead)
   * @param stderr where the error is told when the log cannot take it
   */
  public OutOfMemoryExit(IntConsumer halt, PrintStream stderr) {
    this.halt = halt;
    this.stderr = stderr;
  }

  /** Halts when {@code error} is, or was caused by, an out-of-memory error; returns otherwise. */
  public void onError(Throwable error) {
    OutOfMemoryError oom = find(error);
    if (oom == null) {
      return;
    }
    // One thread tells the error and halts. Another that meets one meanwhile (every event loop runs out of
    // direct memory at about the same time) waits here: halting at once would end the process before the
    // first one's line is out.
    synchronized (this) {
      if (!logged) {
        logged = true;
        try {
          // The message only: a stack trace needs memory, and says nothing about who took it.
          log.error("out of memory ({}: {}); exiting with status {} so that the service manager restarts the"
              + " proxy", oom.getClass().getName(), oom.getMessage(), EXIT_CODE);
        } catch (Throwable unlogged) {
          tellWithoutMemory();
        }
      }
      halt.accept(EXIT_CODE);
    }
  }

  private void tellWithoutMemory() {
    try {
      stderr.write(UNLOGGED, 0, UNLOGGED.length);
      stderr.flush();
    } catch (Throwable ignored) {
      // nothing is left to tell it with; the exit status still says it
    }
  }

  /** Whether the process was told to end (for tests). */
  public boolean triggered() {
    return logged;
  }

  /** Makes every thread that dies of an out-of-memory error end the process as well. */
  public void installAsDefaultHandler() {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
      onError(error);
      if (previous != null) {
        previous.uncaughtException(thread, error);
      } else {
        // What ThreadGroup.uncaughtException prints; calling it would come back here.
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        error.printStackTrace(System.err);
      }
    });
  }

  private static OutOfMemoryError find(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutOfMemoryError oom) {
        return oom;
      }
    }
    return null;
  }
}
