package org.sipscreen.screening;

import java.util.List;
import java.util.Objects;

/**
 * What one check decides about one call. The chain stops at the first {@link Reject} or {@link Drop};
 * {@link Tag}s accumulate. Turning a verdict into bytes on the wire is the proxy's job, not the check's.
 */
public sealed interface Verdict {

  /** The check has nothing against the call. */
  record Continue() implements Verdict {}

  /** Forward the call, marked with these tags. */
  record Tag(List<CallTag> tags) implements Verdict {
    public Tag {
      tags = List.copyOf(tags);
      if (tags.isEmpty()) {
        throw new IllegalArgumentException("a Tag verdict needs at least one tag");
      }
    }
  }

  /** Answer the INVITE with a final response and do not forward it. */
  record Reject(int status, String reasonPhrase, List<SipHeader> extraHeaders) implements Verdict {
    public Reject {
      if (status < 300 || status > 699) {
        throw new IllegalArgumentException("reject status must be 300-699, was " + status);
      }
      Objects.requireNonNull(reasonPhrase, "reasonPhrase");
      extraHeaders = List.copyOf(extraHeaders);
    }
  }

  /** Discard the INVITE without an answer (floods, sources we must not talk to). */
  record Drop(String why) implements Verdict {
    public Drop {
      Objects.requireNonNull(why, "why");
    }
  }

  Continue CONTINUE = new Continue();
}
