package org.sipscreen.screening.check.neighbor_spoofing;

import java.util.Objects;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;

/**
 * Flags neighbor spoofing: a NANP (+1) caller that shares the NANP callee's NPA-NXX (or NPA-NXX-X, per
 * {@link Mode}) so the call looks local, as {@code neighbor_spoofing}; and a caller equal to the callee
 * (any E.164 number; a subscriber's own number arriving over an interconnect is spoofed) as
 * {@code caller_equals_callee}. A caller on this check's allow list or the caller allow list continues
 * (outcome {@code allowed}); so do anonymous, unparseable and non-NANP calls.
 */
public final class NeighborSpoofingCheck implements Check {

  public static final String NAME = "neighbor_spoofing";
  public static final String NEIGHBOR_SPOOFING = "neighbor_spoofing";
  public static final String CALLER_EQUALS_CALLEE = "caller_equals_callee";

  /** How much of the callee's number a caller must share to count as a neighbor. */
  public enum Mode {
    /** Same area code and exchange: +1 NPA NXX, 6 digits. */
    NPA_NXX("npa_nxx", 10_000L),
    /** Same area code, exchange and thousands block: +1 NPA NXX X, 7 digits. */
    NPA_NXX_X("npa_nxx_x", 1_000L);

    private final String configName;
    private final long divisor;

    Mode(String configName, long divisor) {
      this.configName = configName;
      this.divisor = divisor;
    }

    /** The config value: {@code npa_nxx} or {@code npa_nxx_x}. */
    public String configName() {
      return configName;
    }

    /** The mode named {@code value} in config. */
    public static Mode fromConfig(String value) {
      Objects.requireNonNull(value, "value");
      for (Mode mode : values()) {
        if (mode.configName.equals(value)) {
          return mode;
        }
      }
      throw new IllegalArgumentException(
          "neighbor_spoofing mode must be npa_nxx or npa_nxx_x, was '" + value + "'");
    }
  }

  /** +1 followed by 10 digits: 1 0000000000 ..= 1 9999999999. */
  private static final long NANP_LOW = 10_000_000_000L;
  private static final long NANP_HIGH = 19_999_999_999L;

  private final Mode mode;
  private final NumberList allowList;
  private final Verdict.Flag neighbor;
  private final Verdict.Flag sameNumber;

  /**
   * @param mode how many leading digits caller and callee must share
   * @param allowList callers that legitimately call their neighbors (e.g. a PBX's own DID range);
   *     {@link NumberList#EMPTY} for none. The caller allow list of {@link ScreenedCall} applies too.
   * @param score the score of both flags, 0-100
   */
  public NeighborSpoofingCheck(Mode mode, NumberList allowList, int score) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.allowList = Objects.requireNonNull(allowList, "allowList");
    if (score < 0 || score > 100) {
      throw new IllegalArgumentException("neighbor_spoofing score must be 0-100, was " + score);
    }
    this.neighbor = new Verdict.Flag(NEIGHBOR_SPOOFING, score);
    this.sameNumber = new Verdict.Flag(CALLER_EQUALS_CALLEE, score);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The callers this check lets through: those that legitimately call their neighbors. */
  public NumberList allowList() {
    return allowList;
  }

  /** The same check (mode, score) with another version of its allow list, e.g. the one a reload kept. */
  public NeighborSpoofingCheck withAllowList(NumberList other) {
    return new NeighborSpoofingCheck(mode, other, neighbor.score());
  }

  public Mode mode() {
    return mode;
  }

  @Override
  public Verdict check(ScreenedCall call) {
    if (!(call.callerNumber() instanceof PhoneNumber.E164 caller)
        || !(call.calledNumber() instanceof PhoneNumber.E164 callee)
        || allowListed(call)) {
      return Verdict.CONTINUE;
    }
    long from = caller.digitsAsLong();
    long to = callee.digitsAsLong();
    if (from == to) {
      return sameNumber;
    }
    if (isNanp(from) && isNanp(to) && from / mode.divisor == to / mode.divisor) {
      return neighbor;
    }
    return Verdict.CONTINUE;
  }

  @Override
  public String outcomeLabel(Verdict verdict, ScreenedCall call) {
    if (verdict instanceof Verdict.Continue && allowListed(call)) {
      return CheckOutcome.ALLOWED;
    }
    return CheckOutcome.labelOf(verdict);
  }

  private boolean allowListed(ScreenedCall call) {
    return call.callerAllowListed() || allowList.contains(call.callerNumber());
  }

  private static boolean isNanp(long digits) {
    return digits >= NANP_LOW && digits <= NANP_HIGH;
  }
}
