package org.sipscreen.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Who may use the admin API: nobody (disabled), anybody who reaches the port (no token, which config
 * validation allows only on a loopback address), or whoever sends {@code Authorization: Bearer <token>}.
 * The comparison runs in constant time over SHA-256 digests, so neither content nor length leaks.
 */
public final class AdminAuth {

  /** The API is off: every /admin/ path is 404. */
  public static final AdminAuth DISABLED = new AdminAuth(false, null);
  /** No token: every request without an Authorization header is allowed (loopback only). */
  public static final AdminAuth OPEN = new AdminAuth(true, null);

  private final boolean enabled;
  private final byte[] tokenDigest; // null: no token required

  private AdminAuth(boolean enabled, byte[] tokenDigest) {
    this.enabled = enabled;
    this.tokenDigest = tokenDigest;
  }

  /** A bearer token is required and must equal {@code token}. */
  public static AdminAuth token(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("token must not be empty");
    }
    return new AdminAuth(true, sha256(token));
  }

  /**
   * The auth a config asks for; a {@code token_file} is read now (its first line, trimmed).
   *
   * @throws ConfigException naming the file and key when the token file cannot be read or is empty
   */
  public static AdminAuth of(SipscreenConfig.Admin admin, Path configFile) throws ConfigException {
    if (!admin.enabled()) {
      return DISABLED;
    }
    if (admin.token() != null) {
      return token(admin.token());
    }
    if (admin.tokenFile() == null) {
      return OPEN;
    }
    Path file = configFile.toAbsolutePath().getParent().resolve(admin.tokenFile());
    String token;
    try {
      token = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
    } catch (IOException e) {
      throw new ConfigException(configFile + ": http.admin.token_file: cannot read " + file + ": "
          + ConfigException.describe(e));
    }
    if (token.length() < 16) {
      throw new ConfigException(configFile + ": http.admin.token_file: " + file
          + " (line 1): the token must be at least 16 characters");
    }
    return token(token);
  }

  public boolean enabled() {
    return enabled;
  }

  public boolean requiresToken() {
    return tokenDigest != null;
  }

  /**
   * Whether a request with this Authorization header value (null when absent) may use the API. A presented
   * token that does not match is refused, also when the API needs none (open on loopback).
   */
  public boolean allows(String authorization) {
    if (!enabled) {
      return false;
    }
    if (tokenDigest == null) {
      // No token is configured, so any presented one is wrong: refuse it rather than ignore it, or a
      // client that believes it authenticates would never learn otherwise.
      return authorization == null;
    }
    Optional<String> presented = bearer(authorization);
    // Digest even when absent, so a missing header takes the same path as a wrong one.
    byte[] digest = sha256(presented.orElse(""));
    return MessageDigest.isEqual(digest, tokenDigest) && presented.isPresent();
  }

  private static Optional<String> bearer(String authorization) {
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return Optional.of(authorization.substring(7).strip());
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
