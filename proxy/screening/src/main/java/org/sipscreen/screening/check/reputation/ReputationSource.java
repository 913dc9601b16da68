package org.sipscreen.screening.check.reputation;

import java.util.concurrent.CompletionStage;

/**
 * A remote reputation service (the HTTP client in the server module; a fake in tests). Implementations
 * must not block the calling thread: {@link #lookup} starts the request and returns at once.
 */
public interface ReputationSource {

  /**
   * Looks up one calling number.
   *
   * @param e164 the number in E.164 form, e.g. {@code +12025550123}
   * @return completes with a {@link ReputationAnswer}, or exceptionally when the service failed (I/O,
   *     timeout, unexpected status, malformed answer); it should complete within the source's own
   *     request timeout, but callers do not rely on that
   */
  CompletionStage<ReputationAnswer> lookup(String e164);
}
