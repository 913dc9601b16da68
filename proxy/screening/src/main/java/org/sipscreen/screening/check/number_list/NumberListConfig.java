package org.sipscreen.screening.check.number_list;

import java.util.List;
import org.sipscreen.screening.check.PolicyKeys;

/**
 * {@code screening.block_list} and {@code screening.tag_list}: a list of calling numbers and prefixes. A
 * listed caller (unless on the allow list) raises the flag {@code listed} with {@code score}; {@code action}
 * says what that does, in the words of every check (block_list: {@code reject_deterministic}, tag_list:
 * {@code tag}). {@code label} and {@code verstat} are the list's own marks, put on a listed caller's call
 * whenever it is forwarded (tag_list: {@code SPAM?} when neither is given). A deterministic reject answers
 * with the list's own {@code reject_status}/{@code reject_reason} (603 Decline) and, with
 * {@code reason_text}, a {@code Reason: SIP;cause=<status>;text="..."} header.
 */
public record NumberListConfig(String file, Integer score, String label, String verstat,
    Integer rejectStatus, String rejectReason, String reasonText, String action, Boolean shadow)
    implements PolicyKeys {

  public NumberListConfig {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("file: the list file is required");
    }
    if (score != null && (score < 0 || score > 100)) {
      throw new IllegalArgumentException("score must be 0-100, was " + score);
    }
    if (verstat != null && !List.of("TN-Validation-Passed", "TN-Validation-Failed",
        "No-TN-Validation").contains(verstat)) {
      throw new IllegalArgumentException("verstat must be TN-Validation-Passed,"
          + " TN-Validation-Failed or No-TN-Validation, was '" + verstat + "'");
    }
    if (label != null && (label.isBlank() || label.chars().anyMatch(c -> c < 0x20 || c == '"'
        || c == '\\'))) {
      throw new IllegalArgumentException("label must be printable text without quotes or backslashes");
    }
    rejectStatus = rejectStatus == null ? 603 : rejectStatus;
    if (rejectStatus < 400 || rejectStatus > 699) {
      throw new IllegalArgumentException("reject_status must be 400-699, was " + rejectStatus);
    }
    rejectReason = rejectReason == null ? "Decline" : rejectReason;
    if (rejectReason.isBlank() || rejectReason.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("reject_reason must be printable text");
    }
    if (reasonText != null && reasonText.chars().anyMatch(c -> c < 0x20 || c == '"' || c == '\\')) {
      throw new IllegalArgumentException("reason_text must be printable text without quotes or backslashes");
    }
    PolicyKeys.requireAction(action);
  }
}
