package org.sipscreen.screening.check.calling_number;

import org.sipscreen.screening.Check;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;

/**
 * calling_number: normalizes the caller (P-Asserted-Identity, else From) and reports its kind as the
 * outcome ({@code e164}, {@code anonymous}, {@code invalid}, {@code unparseable}). A caller without a
 * number — no P-Asserted-Identity (or only an anonymous one) and an anonymous From (RFC 3323) — raises the
 * flag {@code anonymous}, so the policy decides what withheld numbers get (by default {@code allow}:
 * forwarded and counted). The flag lives here, not in invalid_number, because a withheld number is lawful
 * (RFC 3323 privacy), not an impossible one, and the policy gives each check one action: invalid_number's
 * is a deterministic block. Other kinds continue; invalid_number acts on impossible numbers.
 */
public final class CallingNumberCheck implements Check {

  public static final String NAME = "calling_number";
  /** The flag category of a caller without a number. */
  public static final String ANONYMOUS = "anonymous";

  private final Verdict anonymous;

  /** Anonymous callers flagged with score 0: the policy's action decides, nothing adds to the score. */
  public CallingNumberCheck() {
    this(0);
  }

  /** @param anonymousScore the score of the {@code anonymous} flag, 0-100 */
  public CallingNumberCheck(int anonymousScore) {
    if (anonymousScore < 0 || anonymousScore > 100) {
      throw new IllegalArgumentException("calling_number score must be 0-100, was " + anonymousScore);
    }
    this.anonymous = new Verdict.Flag(ANONYMOUS, anonymousScore);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict check(ScreenedCall call) {
    return call.callerNumber() instanceof PhoneNumber.Anonymous ? anonymous : Verdict.CONTINUE;
  }

  @Override
  public String outcomeLabel(Verdict verdict, ScreenedCall call) {
    return call.callerNumber().kind();
  }
}
