package org.sipscreen.screening;

import java.util.Objects;

/** A mark the proxy puts on a forwarded INVITE (DOMAIN.md, "Outcomes on the wire"). */
public sealed interface CallTag {

  /**
   * A 3GPP TS 24.229 verstat parameter on the caller's URI in P-Asserted-Identity (or From when there is
   * none), replacing any verstat the peer sent.
   */
  record Verstat(String value) implements CallTag {
    public Verstat {
      Objects.requireNonNull(value, "value");
      if (!value.equals("TN-Validation-Passed")
          && !value.equals("TN-Validation-Failed")
          && !value.equals("No-TN-Validation")) {
        throw new IllegalArgumentException("unknown verstat value: " + value);
      }
    }
  }

  /** A label put in front of the caller's display name, e.g. {@code "SPAM? Caller"}. */
  record DisplayLabel(String label) implements CallTag {
    public DisplayLabel {
      Objects.requireNonNull(label, "label");
      if (label.isBlank() || label.indexOf('"') >= 0 || label.indexOf('\\') >= 0
          || label.chars().anyMatch(c -> c < 0x20)) {
        throw new IllegalArgumentException("display label must be non-blank printable text without"
            + " quotes or backslashes: " + label);
      }
    }
  }

  /**
   * An RFC 9410 {@code Reason: STIR;cause=<code>;text="<text>"} header added to the forwarded INVITE: the
   * call goes on although its Identity failed verification, and the next hop learns why (RFC 8224 code).
   */
  record StirReason(int cause, String text) implements CallTag {
    public StirReason {
      if (cause < 400 || cause > 699) {
        throw new IllegalArgumentException("STIR reason cause must be a 4xx-6xx code, was " + cause);
      }
      Objects.requireNonNull(text, "text");
      if (text.isBlank() || text.indexOf('"') >= 0 || text.indexOf('\\') >= 0
          || text.chars().anyMatch(c -> c < 0x20 || c >= 0x7f)) {
        throw new IllegalArgumentException("STIR reason text must be printable ASCII without quotes or"
            + " backslashes: " + text);
      }
    }

    /** The header value, e.g. {@code STIR;cause=438;text="Invalid Identity Header"}. */
    public String headerValue() {
      return "STIR;cause=" + cause + ";text=\"" + text + "\"";
    }
  }
}
