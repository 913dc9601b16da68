package org.sipscreen.screening.check.neighbor_spoofing;

import java.util.List;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.check.CheckConfigException;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.check.DataFile;
import org.sipscreen.screening.check.LoadedList;

/** Builds neighbor_spoofing from {@code screening.neighbor_spoofing}: on when the section is present. */
public final class NeighborSpoofingModule
    extends CheckModule<NeighborSpoofingConfig, NeighborSpoofingCheck> {

  public static final NeighborSpoofingModule INSTANCE = new NeighborSpoofingModule();

  /** The name of its allow list in inventories. */
  public static final String ALLOW_LIST = "neighbor_spoofing_allow_list";

  private NeighborSpoofingModule() {
    super(NeighborSpoofingCheck.NAME, NeighborSpoofingConfig.class, NeighborSpoofingCheck.class);
  }

  @Override
  public PolicyAction defaultAction() {
    return PolicyAction.TAG;
  }

  @Override
  public NeighborSpoofingCheck build(NeighborSpoofingConfig config, CheckContext context)
      throws CheckConfigException {
    NumberList allow = config.allowList() == null ? NumberList.EMPTY
        : context.loadList("allow_list.file", config.allowList().file());
    return new NeighborSpoofingCheck(NeighborSpoofingCheck.Mode.fromConfig(config.mode()), allow,
        config.score());
  }

  @Override
  public List<DataFile> files(NeighborSpoofingConfig config) {
    return config.allowList() == null ? List.of() : List.of(new DataFile(ALLOW_LIST,
        "screening.neighbor_spoofing.allow_list.file", config.allowList().file()));
  }

  @Override
  public List<LoadedList> lists(NeighborSpoofingCheck check) {
    return check.allowList() == NumberList.EMPTY ? List.of()
        : List.of(LoadedList.of(ALLOW_LIST, check.allowList()));
  }

  @Override
  public NeighborSpoofingCheck keepList(String list, NeighborSpoofingCheck running,
      NeighborSpoofingCheck built) {
    return built.withAllowList(running.allowList());
  }
}
