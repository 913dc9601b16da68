package org.sipscreen.screening.check.calling_number;

import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckModule;

/** Builds calling_number from {@code screening.calling_number}; always on. */
public final class CallingNumberModule extends CheckModule<CallingNumberConfig, CallingNumberCheck> {

  public static final CallingNumberModule INSTANCE = new CallingNumberModule();

  private CallingNumberModule() {
    super(CallingNumberCheck.NAME, CallingNumberConfig.class, CallingNumberCheck.class);
  }

  @Override
  public CallingNumberConfig whenAbsent() {
    return CallingNumberConfig.DEFAULT;
  }

  @Override
  public PolicyAction defaultAction() {
    return PolicyAction.ALLOW;
  }

  @Override
  public CallingNumberCheck build(CallingNumberConfig config, CheckContext context) {
    return new CallingNumberCheck(config.score());
  }
}
