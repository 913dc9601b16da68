package org.sipscreen.screening.check.stir_shaken;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How the stir_shaken check turns verification results into verdicts: how long a call may wait for a
 * certificate that is not cached, what a failed verification does on the wire, and the score of each
 * {@link Category}. Immutable.
 *
 * @param deadline the longest a call waits for a certificate lookup before it goes on as No-TN-Validation
 * @param onFailure what a failed verification does, see {@link OnFailure}
 * @param scores the flag score of each category; a category with score 0 raises no flag, its verstat is
 *     applied as a plain tag (so a strict per-peer action cannot block a call that verified)
 * @param reasonDownstream with {@link OnFailure#REASON_HEADER}: also put the STIR Reason on the forwarded
 *     INVITE, not only on the responses sent back upstream
 */
public record StirShakenSettings(Duration deadline, OnFailure onFailure, Map<Category, Integer> scores,
    boolean reasonDownstream) {

  /** Settings that send a STIR Reason upstream only. */
  public StirShakenSettings(Duration deadline, OnFailure onFailure, Map<Category, Integer> scores) {
    this(deadline, onFailure, scores, false);
  }

  /** 50 ms: a certificate fetch that takes longer than that waits for the next call. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMillis(50);

  public static final StirShakenSettings DEFAULTS =
      new StirShakenSettings(DEFAULT_DEADLINE, OnFailure.TAG, Map.of());

  public StirShakenSettings {
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(onFailure, "onFailure");
    Objects.requireNonNull(scores, "scores");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
    Map<Category, Integer> all = new EnumMap<>(Category.class);
    for (Category c : Category.values()) {
      Integer score = scores.get(c);
      if (score == null) {
        score = c.defaultScore;
      }
      if (score < 0 || score > 100) {
        throw new IllegalArgumentException("scores." + c.label() + " must be 0-100, was " + score);
      }
      all.put(c, score);
    }
    scores = Map.copyOf(all);
  }

  public int score(Category category) {
    return scores.get(category);
  }

  /**
   * What the check found, a fixed set; each is also the check's outcome label and, with a score above 0,
   * the category of its flag.
   */
  public enum Category {
    /** A shaken PASSporT verified with attestation A (full): TN-Validation-Passed. */
    ATTESTATION_A(0),
    /** Verified, attestation B (partial): TN-Validation-Passed. */
    ATTESTATION_B(10),
    /** Verified, attestation C (gateway): TN-Validation-Passed, but the signer does not vouch for the caller. */
    ATTESTATION_C(30),
    /**
     * Identity present but it does not verify: bad signature or key, claims that do not match the request,
     * stale iat, malformed header, unsupported algorithm, a certificate chain that does not validate:
     * TN-Validation-Failed.
     */
    SIGNATURE_FAILED(60),
    /** No Identity header: No-TN-Validation. */
    NO_IDENTITY(0),
    /** The certificate could not be had within the deadline (fail open, counted): No-TN-Validation. */
    CERTIFICATE_UNAVAILABLE(0);

    private final int defaultScore;

    Category(int defaultScore) {
      this.defaultScore = defaultScore;
    }

    /** The snake_case spelling used as config key, flag category and outcome label. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public int defaultScore() {
      return defaultScore;
    }

    /** The category spelled {@code label}; throws naming the known ones. */
    public static Category fromLabel(String label) {
      for (Category c : values()) {
        if (c.label().equals(label)) {
          return c;
        }
      }
      throw new IllegalArgumentException("unknown category '" + label + "' (attestation_a,"
          + " attestation_b, attestation_c, signature_failed, no_identity, certificate_unavailable)");
    }
  }

  /** What a failed verification ({@link Category#SIGNATURE_FAILED}) does besides its flag. */
  public enum OnFailure {
    /** Forward with verstat TN-Validation-Failed; the flag's score and the policy decide the rest. */
    TAG,
    /** Answer with the RFC 8224 code of the failure (438, 437, 436, 403) and a STIR Reason header. */
    REJECT,
    /**
     * Like {@link #TAG}, plus an RFC 9410 {@code Reason: STIR;cause=...} header on the responses relayed
     * back toward the signer (and, with {@code reason_downstream}, on the forwarded INVITE).
     */
    REASON_HEADER;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static OnFailure fromLabel(String label) {
      for (OnFailure o : values()) {
        if (o.label().equals(label)) {
          return o;
        }
      }
      throw new IllegalArgumentException(
          "on_failure must be tag, reject or reason_header, was '" + label + "'");
    }
  }
}
