package org.sipscreen.screening.check.number_list;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.CheckConfigException;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.check.DataFile;
import org.sipscreen.screening.check.LoadedList;

/**
 * Builds block_list and tag_list: one implementation ({@link NumberListCheck}), two checks with their own
 * names and defaults, so one package holds both (the deviation from one package per check).
 */
public final class NumberListModule extends CheckModule<NumberListConfig, NumberListCheck> {

  /** A listed caller is blocked deterministically (603 Decline by default, DOMAIN.md). */
  public static final NumberListModule BLOCK_LIST =
      new NumberListModule("block_list", PolicyAction.REJECT_DETERMINISTIC, 100, Optional.empty());
  /** A listed caller is tagged, by default with the label {@code SPAM?}; the flag adds nothing to the score. */
  public static final NumberListModule TAG_LIST =
      new NumberListModule("tag_list", PolicyAction.TAG, 0, Optional.of("SPAM?"));

  private final PolicyAction defaultAction;
  private final int defaultScore;
  private final Optional<String> defaultLabel;

  private NumberListModule(String name, PolicyAction defaultAction, int defaultScore,
      Optional<String> defaultLabel) {
    super(name, NumberListConfig.class, NumberListCheck.class);
    this.defaultAction = defaultAction;
    this.defaultScore = defaultScore;
    this.defaultLabel = defaultLabel;
  }

  @Override
  public PolicyAction defaultAction() {
    return defaultAction;
  }

  @Override
  public NumberListCheck build(NumberListConfig config, CheckContext context) throws CheckConfigException {
    List<CallTag> tags = new ArrayList<>(2);
    PolicyAction action = config.action() == null ? defaultAction : PolicyAction.parse(config.action());
    if (action != PolicyAction.ALLOW) {
      Optional<String> label = config.label() == null && config.verstat() == null ? defaultLabel
          : Optional.ofNullable(config.label());
      label.ifPresent(l -> tags.add(new CallTag.DisplayLabel(l)));
      if (config.verstat() != null) {
        tags.add(new CallTag.Verstat(config.verstat()));
      }
    }
    int score = config.score() == null ? defaultScore : config.score();
    Verdict.Reject answer = NumberListCheck.reject(config.rejectStatus(), config.rejectReason(),
        Optional.ofNullable(config.reasonText()));
    return new NumberListCheck(name(), context.loadList("file", config.file()),
        new Verdict.Flag(NumberListCheck.LISTED, score, tags, Optional.of(answer)));
  }

  @Override
  public List<DataFile> files(NumberListConfig config) {
    return List.of(new DataFile(name(), "screening." + name() + ".file", config.file()));
  }

  @Override
  public List<LoadedList> lists(NumberListCheck check) {
    return List.of(LoadedList.of(name(), check.list()));
  }

  @Override
  public NumberListCheck keepList(String list, NumberListCheck running, NumberListCheck built) {
    return built.withList(running.list());
  }
}
