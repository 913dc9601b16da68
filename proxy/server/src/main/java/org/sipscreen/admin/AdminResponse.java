package org.sipscreen.admin;

import java.util.Map;

/** An admin API answer: HTTP status and a body Jackson writes as JSON. */
public record AdminResponse(int status, Object body) {

  public static AdminResponse ok(Object body) {
    return new AdminResponse(200, body);
  }

  /** An error answer, {@code {"error": message}}. */
  public static AdminResponse error(int status, String message) {
    return new AdminResponse(status, Map.of("error", message));
  }
}
