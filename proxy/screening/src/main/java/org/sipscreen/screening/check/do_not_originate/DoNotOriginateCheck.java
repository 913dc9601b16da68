package org.sipscreen.screening.check.do_not_originate;

import java.util.Objects;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;

/**
 * Flags a call whose calling number is on the Do-Not-Originate list (numbers and prefix ranges that never
 * place calls, e.g. inbound-only government help lines): any call claiming one is spoofed, so a hit is
 * {@link #HIT} ({@code Flag("dno", 100)}), which the policy turns into a deterministic block. The allow
 * list does not override a hit (see {@link #check}); anonymous and unparseable callers continue.
 */
public final class DoNotOriginateCheck implements Check {

  public static final String NAME = "do_not_originate";

  /** The only flag this check returns; {@code dno} is also its outcome label. */
  public static final Verdict.Flag HIT = new Verdict.Flag("dno", 100);

  private final NumberList dnoList;

  /**
   * @param dnoList the DNO numbers (exact entries) and ranges (prefix entries, e.g. {@code +1800555*}),
   *     in the {@link NumberList} file syntax
   */
  public DoNotOriginateCheck(NumberList dnoList) {
    this.dnoList = Objects.requireNonNull(dnoList, "dnoList");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long heapBytes() {
    return dnoList.heapBytes();
  }

  public NumberList dnoList() {
    return dnoList;
  }

  /**
   * Deliberately ignores the caller allow list: allow entries are often whole ranges, and DNO numbers are
   * exactly the ones spoofers borrow; a wrong DNO entry is fixed in the DNO file, not by allowing it.
   */
  @Override
  public Verdict check(ScreenedCall call) {
    return dnoList.contains(call.callerNumber()) ? HIT : Verdict.CONTINUE;
  }
}
