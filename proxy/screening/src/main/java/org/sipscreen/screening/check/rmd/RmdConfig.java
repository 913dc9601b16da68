package org.sipscreen.screening.check.rmd;

import java.util.List;
import java.util.Map;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.PolicyKeys;

/**
 * {@code screening.rmd}: the Robocall Mitigation Database gate. Each peer names its filing in
 * {@code peers.<peer>.checks.rmd.record}; a peer whose filing is not in the file (or that names none) is
 * flagged, and {@code action} says what its calls get: {@code allow} (alert: metric, log and decision
 * record only; the default), {@code tag}, or {@code reject_deterministic} (block every call with
 * {@code reject_status}; emergency calls still pass).
 *
 * @param file the FCC's CSV export of current filers, relative to the config folder
 * @param columns field to header name, over {@link RmdColumns#DEFAULT_HEADERS}
 * @param maxDropShare a new file that would unlist more than this share of the peers is refused (0-1)
 * @param rejectStatus the answer of {@code reject_deterministic}, 400-699
 * @param rejectReason its reason phrase
 */
public record RmdConfig(String file, Map<String, String> columns, String action, Boolean shadow,
    Double maxDropShare, Integer rejectStatus, String rejectReason) implements PolicyKeys {

  public static final double DEFAULT_MAX_DROP_SHARE = 0.2;

  public RmdConfig {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("file: the RMD export (CSV) is required");
    }
    columns = columns == null ? Map.of() : Map.copyOf(columns);
    RmdColumns.of(columns);
    PolicyKeys.requireAction(action);
    maxDropShare = maxDropShare == null ? DEFAULT_MAX_DROP_SHARE : maxDropShare;
    if (!(maxDropShare >= 0 && maxDropShare <= 1)) {
      throw new IllegalArgumentException("max_drop_share must be 0-1, was " + maxDropShare);
    }
    rejectStatus = rejectStatus == null ? 403 : rejectStatus;
    if (rejectStatus < 400 || rejectStatus > 699) {
      throw new IllegalArgumentException("reject_status must be 400-699, was " + rejectStatus);
    }
    rejectReason = rejectReason == null ? "Provider Not In Robocall Mitigation Database" : rejectReason;
    if (rejectReason.isBlank() || rejectReason.chars().anyMatch(c -> c < 0x20 || c >= 0x7f)) {
      throw new IllegalArgumentException("reject_reason must be printable ASCII text");
    }
  }

  RmdColumns columnMap() {
    return RmdColumns.of(columns);
  }

  Verdict.Reject reject() {
    return new Verdict.Reject(rejectStatus, rejectReason, List.of());
  }
}
