package org.sipscreen.screening;

import java.util.List;
import java.util.Objects;

/** A mark the proxy puts on a forwarded INVITE (DOMAIN.md, "Outcomes on the wire"). */
public sealed interface CallTag {

  /**
   * A 3GPP TS 24.229 verstat parameter on the caller's URI in P-Asserted-Identity (or From when there is
   * none), replacing any verstat the peer sent. When several checks give one, the most severe wins
   * ({@link #merge}): TN-Validation-Failed over No-TN-Validation over TN-Validation-Passed.
   */
  record Verstat(String value) implements CallTag {
    public static final String PASSED = "TN-Validation-Passed";
    public static final String FAILED = "TN-Validation-Failed";
    public static final String NO_VALIDATION = "No-TN-Validation";

    public Verstat {
      Objects.requireNonNull(value, "value");
      if (!value.equals(PASSED) && !value.equals(FAILED) && !value.equals(NO_VALIDATION)) {
        throw new IllegalArgumentException("unknown verstat value: " + value);
      }
    }

    /** 2 for TN-Validation-Failed, 1 for No-TN-Validation, 0 for TN-Validation-Passed. */
    public int severity() {
      return value.equals(FAILED) ? 2 : value.equals(NO_VALIDATION) ? 1 : 0;
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
   * The service provider code (SPC, the OCN in the US) of the certificate that signed the call's verified
   * SHAKEN PASSporT, from its RFC 8226 TNAuthList. Not a mark on the wire: it names the signer in decision
   * records and reports, and the proxy's edits leave it out.
   */
  record Signer(String spc) implements CallTag {
    /** Longer values are no SPC (ATIS-1000080: a 4-character OCN; TNAuthList allows any IA5String). */
    public static final int MAX_LENGTH = 32;

    public Signer {
      Objects.requireNonNull(spc, "spc");
      if (spc.isEmpty() || spc.length() > MAX_LENGTH
          || spc.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f || c == '"' || c == '\\')) {
        throw new IllegalArgumentException("SPC must be 1-" + MAX_LENGTH
            + " printable ASCII characters without spaces, quotes or backslashes: " + spc);
      }
    }

    /** The signer of a TNAuthList's first SPC, or null when it names none this record accepts. */
    public static Signer of(List<String> spcs) {
      for (String spc : spcs) {
        try {
          return new Signer(spc);
        } catch (IllegalArgumentException e) {
          return null; // a certificate's odd value is not worth a record field
        }
      }
      return null;
    }
  }

  /**
   * An RFC 9410 {@code Reason: STIR;cause=<code>;text="<text>"}: the call goes on although its Identity
   * failed verification. The proxy sends it upstream, on the responses relayed toward the signer (RFC 9410
   * §4); with {@code downstream} it also adds it to the forwarded INVITE, for a next hop that wants to know.
   */
  record StirReason(int cause, String text, boolean downstream) implements CallTag {
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

    /** Upstream only. */
    public StirReason(int cause, String text) {
      this(cause, text, false);
    }

    /** The header value, e.g. {@code STIR;cause=438;text="Invalid Identity Header"}. */
    public String headerValue() {
      return "STIR;cause=" + cause + ";text=\"" + text + "\"";
    }

    /**
     * The reason for an RFC 8224 failure code read back from our own Via (RFC 8224 §6.2.2 and §13.2 name
     * the texts); null for anything else, which a forged response could have put there.
     */
    public static StirReason forCause(String cause) {
      switch (cause) {
        case "403": return new StirReason(403, "Stale Date");
        case "428": return new StirReason(428, "Use Identity Header");
        case "436": return new StirReason(436, "Bad Identity Info");
        case "437": return new StirReason(437, "Unsupported Credential");
        case "438": return new StirReason(438, "Invalid Identity Header");
        default: return null;
      }
    }
  }

  /**
   * Adds {@code tag} to the tags a call has so far, the one place where tags from several checks meet: a
   * verstat replaces a less severe one and is dropped beside a more severe one; a display label or a STIR
   * reason is kept once (the first); equal tags are not repeated.
   */
  static void merge(List<CallTag> tags, CallTag tag) {
    for (int i = 0; i < tags.size(); i++) {
      CallTag t = tags.get(i);
      if (t.equals(tag)) {
        return;
      }
      if (t instanceof Verstat have && tag instanceof Verstat next) {
        if (next.severity() > have.severity()) {
          tags.set(i, next);
        }
        return;
      }
      if ((t instanceof DisplayLabel && tag instanceof DisplayLabel)
          || (t instanceof StirReason && tag instanceof StirReason)) {
        return;
      }
    }
    tags.add(tag);
  }
}
