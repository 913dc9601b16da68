package org.sipscreen.screening;

import java.util.Objects;

/** One header line a reject adds to its response, e.g. {@code Reason: SIP;cause=603;text="..."}. */
public record SipHeader(String name, String value) {
  public SipHeader {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
      throw new IllegalArgumentException("header name must be a non-empty token: " + name);
    }
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header value must not contain CR or LF: " + name);
    }
  }
}
