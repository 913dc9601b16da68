package org.sipscreen.screening.check.rmd;

import java.util.Objects;
import java.util.Optional;

/**
 * Where one peer stands in the loaded RMD file.
 *
 * @param reference the filing the peer's config names, if any
 * @param record the filing found in the file, if any
 */
public record PeerStanding(String peer, Optional<RmdReference> reference, Optional<RmdRecord> record) {
  public PeerStanding {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(record, "record");
  }

  public boolean listed() {
    return record.isPresent();
  }

  /** One line for the start-up summary and logs. */
  public String describe() {
    StringBuilder sb = new StringBuilder("rmd peer=").append(peer).append(" record=")
        .append(reference.map(RmdReference::text).orElse("none")).append(" listed=")
        .append(listed() ? "yes" : "no");
    record.ifPresent(r -> sb.append(" business_name=\"").append(r.businessName().replace('"', '\'')).append('"')
        .append(r.ocn().isEmpty() ? "" : " ocn=" + r.ocn()));
    return sb.toString();
  }
}
