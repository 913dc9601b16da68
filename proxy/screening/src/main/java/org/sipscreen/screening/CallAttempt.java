package org.sipscreen.screening;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What the wire tells the screening chain about one initial INVITE: where it came from and the raw
 * text of the headers the checks read. Raw values are unparsed header values (after the colon, trimmed),
 * exactly as received; the checks parse what they need, once, through {@link ScreenedCall}.
 */
public record CallAttempt(
    String callId,
    InetAddress sourceAddress,
    String requestUri,
    String toHeader,
    String fromHeader,
    Optional<String> assertedIdentity) {

  public CallAttempt {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(sourceAddress, "sourceAddress");
    Objects.requireNonNull(requestUri, "requestUri");
    Objects.requireNonNull(toHeader, "toHeader");
    Objects.requireNonNull(fromHeader, "fromHeader");
    Objects.requireNonNull(assertedIdentity, "assertedIdentity");
  }
}
