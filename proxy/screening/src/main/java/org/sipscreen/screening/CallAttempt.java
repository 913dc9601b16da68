package org.sipscreen.screening;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the wire tells the screening chain about one initial INVITE: where it came from and the raw
 * text of the headers the checks read. Raw values are unparsed header values (after the colon, trimmed),
 * exactly as received; the checks parse what they need, once, through {@link ScreenedCall}.
 * {@code identityHeaders} holds every Identity / {@code y} value in order (RFC 8224; several per INVITE).
 */
public record CallAttempt(
    String callId,
    InetAddress sourceAddress,
    String requestUri,
    String toHeader,
    String fromHeader,
    Optional<String> assertedIdentity,
    List<String> identityHeaders) {

  /** An INVITE without Identity headers. */
  public CallAttempt(String callId, InetAddress sourceAddress, String requestUri, String toHeader,
      String fromHeader, Optional<String> assertedIdentity) {
    this(callId, sourceAddress, requestUri, toHeader, fromHeader, assertedIdentity, List.of());
  }

  public CallAttempt {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(sourceAddress, "sourceAddress");
    Objects.requireNonNull(requestUri, "requestUri");
    Objects.requireNonNull(toHeader, "toHeader");
    Objects.requireNonNull(fromHeader, "fromHeader");
    Objects.requireNonNull(assertedIdentity, "assertedIdentity");
    identityHeaders = List.copyOf(identityHeaders);
  }
}
