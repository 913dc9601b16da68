package org.sipscreen.screening.check.do_not_originate;

import java.util.List;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.check.CheckConfigException;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.check.DataFile;
import org.sipscreen.screening.check.LoadedList;

/** Builds do_not_originate from {@code screening.do_not_originate}: on when the section is present. */
public final class DoNotOriginateModule extends CheckModule<DoNotOriginateConfig, DoNotOriginateCheck> {

  public static final DoNotOriginateModule INSTANCE = new DoNotOriginateModule();

  private DoNotOriginateModule() {
    super(DoNotOriginateCheck.NAME, DoNotOriginateConfig.class, DoNotOriginateCheck.class);
  }

  @Override
  public PolicyAction defaultAction() {
    return PolicyAction.REJECT_DETERMINISTIC;
  }

  @Override
  public DoNotOriginateCheck build(DoNotOriginateConfig config, CheckContext context)
      throws CheckConfigException {
    return new DoNotOriginateCheck(context.loadList("file", config.file()));
  }

  @Override
  public List<DataFile> files(DoNotOriginateConfig config) {
    return List.of(new DataFile(name(), "screening.do_not_originate.file", config.file()));
  }

  /** The check holds nothing but its list: the running check is the running list. */
  @Override
  public DoNotOriginateCheck keepList(String list, DoNotOriginateCheck running, DoNotOriginateCheck built) {
    return running;
  }

  @Override
  public List<LoadedList> lists(DoNotOriginateCheck check) {
    return List.of(LoadedList.of(name(), check.dnoList()));
  }
}
