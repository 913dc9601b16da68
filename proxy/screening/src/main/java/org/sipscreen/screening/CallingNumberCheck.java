package org.sipscreen.screening;

/**
 * calling_number: normalizes the caller (P-Asserted-Identity, else From) and reports its kind as the
 * outcome ({@code e164}, {@code anonymous}, {@code unparseable}). It never rejects: the kind is a signal
 * for later checks and for metrics.
 */
public final class CallingNumberCheck implements Check {

  public static final String NAME = "calling_number";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict check(ScreenedCall call) {
    call.callerNumber();
    return Verdict.CONTINUE;
  }

  @Override
  public String outcomeLabel(Verdict verdict, ScreenedCall call) {
    return call.callerNumber().kind();
  }
}
