package org.sipscreen.admin;

import java.util.Map;

/**
 * An admin API answer: HTTP status and a body Jackson writes as JSON, or a {@link Text} sent as it is
 * (a CSV or HTML report).
 */
public record AdminResponse(int status, Object body) {

  /** A body that is not JSON: sent as {@code text} with this content type. */
  public record Text(String contentType, String text) {}

  public static AdminResponse ok(Object body) {
    return new AdminResponse(200, body);
  }

  /** An error answer, {@code {"error": message}}. */
  public static AdminResponse error(int status, String message) {
    return new AdminResponse(status, Map.of("error", message));
  }
}
