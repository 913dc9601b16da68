package org.sipscreen.screening.check.reputation;

import java.util.Objects;

/**
 * What a reputation service or feed knows about one calling number: a score with a category, or nothing.
 * The category is the service's own word ("robocall", "Scam Likely", ...); it is sanitized to a short
 * snake_case token for logs and call records and never becomes a metric label (the band does).
 */
public sealed interface ReputationAnswer {

  /** The number is known: {@code score} 0 (clean) to 100 (certainly unwanted). */
  record Scored(int score, String category) implements ReputationAnswer {
    public Scored {
      if (score < 0 || score > 100) {
        throw new IllegalArgumentException("reputation score must be 0-100, was " + score);
      }
      category = sanitizeCategory(Objects.requireNonNull(category, "category"));
    }
  }

  /** The service does not know the number. */
  record NotFound() implements ReputationAnswer {}

  NotFound NOT_FOUND = new NotFound();

  /** The category used when the service gives none (or nothing printable). */
  String UNSPECIFIED = "unspecified";

  /** The longest category kept; longer ones are cut. */
  int MAX_CATEGORY_LENGTH = 32;

  /**
   * Lower-cases ASCII letters, turns every run of other characters into one {@code _}, trims {@code _}
   * at both ends and keeps at most {@link #MAX_CATEGORY_LENGTH} characters; {@link #UNSPECIFIED} if
   * nothing is left. "Scam Likely!" becomes {@code scam_likely}.
   */
  static String sanitizeCategory(String raw) {
    StringBuilder sb = new StringBuilder(Math.min(raw.length(), MAX_CATEGORY_LENGTH + 1));
    boolean gap = false;
    for (int i = 0; i < raw.length() && sb.length() < MAX_CATEGORY_LENGTH; i++) {
      char c = raw.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (gap && sb.length() > 0) {
          sb.append('_');
        }
        gap = false;
        sb.append(c);
      } else {
        gap = true;
      }
    }
    if (sb.length() > MAX_CATEGORY_LENGTH) {
      sb.setLength(MAX_CATEGORY_LENGTH);
    }
    if (sb.length() > 0 && sb.charAt(sb.length() - 1) == '_') {
      sb.setLength(sb.length() - 1);
    }
    return sb.length() == 0 ? UNSPECIFIED : sb.toString();
  }
}
