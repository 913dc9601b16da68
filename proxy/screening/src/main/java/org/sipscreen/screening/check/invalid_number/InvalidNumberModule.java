package org.sipscreen.screening.check.invalid_number;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.check.CheckConfigException;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.check.DataFile;
import org.sipscreen.screening.numbering.CountryCodeLengths;
import org.sipscreen.screening.numbering.NanpNumberingPlan;
import org.sipscreen.screening.numbering.NumberValidity;

/** Builds invalid_number from {@code screening.invalid_number}: on when the section is present. */
public final class InvalidNumberModule extends CheckModule<InvalidNumberConfig, InvalidNumberCheck> {

  public static final InvalidNumberModule INSTANCE = new InvalidNumberModule();

  /** Built once per JVM from libphonenumber's metadata (about 0.3 s), shared by every chain. */
  private static final Supplier<CountryCodeLengths> COUNTRY_LENGTHS = new Supplier<>() {
    private volatile CountryCodeLengths lengths;

    @Override
    public CountryCodeLengths get() {
      CountryCodeLengths l = lengths;
      if (l == null) {
        synchronized (this) {
          l = lengths;
          if (l == null) {
            lengths = l = CountryCodeLengths.libphonenumber();
          }
        }
      }
      return l;
    }
  };

  private InvalidNumberModule() {
    super(InvalidNumberCheck.NAME, InvalidNumberConfig.class, InvalidNumberCheck.class);
  }

  @Override
  public PolicyAction defaultAction() {
    return PolicyAction.REJECT_DETERMINISTIC;
  }

  @Override
  public InvalidNumberCheck build(InvalidNumberConfig config, CheckContext context)
      throws CheckConfigException {
    NanpNumberingPlan plan;
    try {
      plan = NanpNumberingPlan.load(context.resolve(config.npa().file()),
          Optional.ofNullable(config.coCodes()).map(c -> context.resolve(c.file())));
    } catch (IOException e) {
      throw new CheckConfigException("npa", "cannot read numbering data: "
          + (e instanceof java.nio.file.FileSystemException f && f.getFile() != null ? f.getFile() + ": " : "")
          + CheckConfigException.describe(e), e);
    } catch (IllegalArgumentException e) {
      throw new CheckConfigException("npa", e.getMessage(), e);
    }
    Map<NumberValidity, Integer> scores = new EnumMap<>(NumberValidity.class);
    for (NumberValidity v : NumberValidity.values()) {
      if (v != NumberValidity.VALID) {
        scores.put(v, v.structural() ? config.score() : config.dataScore());
      }
    }
    for (Map.Entry<String, Integer> e : config.scores().entrySet()) {
      NumberValidity v;
      try {
        v = NumberValidity.fromLabel(e.getKey());
      } catch (IllegalArgumentException bad) {
        throw new CheckConfigException("scores." + e.getKey(), "unknown category");
      }
      scores.put(v, e.getValue());
    }
    try {
      return new InvalidNumberCheck(plan, COUNTRY_LENGTHS.get(), scores);
    } catch (IllegalArgumentException e) {
      throw new CheckConfigException("scores", e.getMessage(), e);
    }
  }

  @Override
  public List<DataFile> files(InvalidNumberConfig config) {
    List<DataFile> files = new ArrayList<>();
    files.add(new DataFile("invalid_number_npa", "screening.invalid_number.npa.file", config.npa().file()));
    if (config.coCodes() != null) {
      files.add(new DataFile("invalid_number_co_code", "screening.invalid_number.co_codes.file",
          config.coCodes().file()));
    }
    return files;
  }
}
