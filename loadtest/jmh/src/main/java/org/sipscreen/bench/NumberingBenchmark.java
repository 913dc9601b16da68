package org.sipscreen.bench;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.check.invalid_number.InvalidNumberCheck;
import org.sipscreen.screening.numbering.NanpDataReader;
import org.sipscreen.screening.numbering.NanpNumberingPlan;
import org.sipscreen.screening.numbering.NumberValidity;

/**
 * What the invalid_number check costs per caller: sipscreen's precomputed tables (NANP plan with the
 * shipped NPA list and CO-code data for one area code; country-code length table) against
 * libphonenumber's parse + isValidNumber on the same numbers, half of them valid, half invalid. Each
 * invocation classifies one number, cycling through 16. Run from /work/main (it reads
 * config/data/nanp-npa.txt): {@code java -jar loadtest/jmh/target/benchmarks.jar NumberingBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NumberingBenchmark {

  static final String[] NANP = {
    "+12125551234", "+14165550200", "+16046881234", "+12024561111", // valid
    "+13125550000", "+18005551234", "+12423221234", "+17875551234",
    "+12122111234", "+12025550123", "+15552345678", "+12905551234", // n11_nxx, fictional_555, unassigned, reserved
    "+12121234567", "+14115551234", "+121255512345", "+13755551234", // bad_nxx, n11_npa, too_long, reserved
  };

  static final String[] INTERNATIONAL = {
    "+442079460018", "+33142685300", "+493090182000", "+81312345678", // valid
    "+61212345678", "+5511912345678", "+35312345678", "+80012345678",
    "+44123", "+2801234567", "+4420794600181", "+3312345678", // too_short, unknown cc, too_long, too_short
    "+4420794600", "+861234", "+7123", "+919", // invalid_length, too_short x3
  };

  private static final int MASK = 15;

  private PhoneNumber.E164[] nanp;
  private PhoneNumber.E164[] international;
  private Phonenumber.PhoneNumber[] nanpParsed;
  private InvalidNumberCheck check;
  private PhoneNumberUtil util;
  private int i;

  @Setup
  public void setUp() throws IOException, NumberParseException {
    Path npaFile = Path.of(System.getProperty("npa.file", "config/data/nanp-npa.txt"));
    NanpNumberingPlan.Builder plan = NanpNumberingPlan.builder();
    if (Files.exists(npaFile)) {
      plan.assignedNpas(NanpDataReader.readNpas(npaFile));
    } else {
      System.err.println("NumberingBenchmark: " + npaFile + " not found, structure rules only");
    }
    BitSet exchanges = new BitSet();
    exchanges.set(212_200, 213_000);
    exchanges.clear(212_777);
    check = new InvalidNumberCheck(plan.allocatedExchanges(exchanges).build());
    util = PhoneNumberUtil.getInstance();
    nanp = new PhoneNumber.E164[NANP.length];
    international = new PhoneNumber.E164[INTERNATIONAL.length];
    nanpParsed = new Phonenumber.PhoneNumber[NANP.length];
    int invalidNanp = 0;
    for (int k = 0; k < NANP.length; k++) {
      nanp[k] = new PhoneNumber.E164(NANP[k]);
      nanpParsed[k] = util.parse(NANP[k], "ZZ");
      invalidNanp += check.classify(nanp[k]) == NumberValidity.VALID ? 0 : 1;
      international[k] = new PhoneNumber.E164(INTERNATIONAL[k]);
    }
    if (invalidNanp != 8) {
      throw new IllegalStateException("expected 8 invalid NANP numbers, got " + invalidNanp);
    }
  }

  /** sipscreen: NANP plan lookup, including E164.digitsAsLong(). */
  @Benchmark
  public NumberValidity nanpTable() {
    return check.classify(nanp[i++ & MASK]);
  }

  /** sipscreen: country-code length table for non-+1 numbers. */
  @Benchmark
  public NumberValidity internationalLengthTable() {
    return check.classify(international[i++ & MASK]);
  }

  /** libphonenumber: parse the E.164 string, then isValidNumber (the approach the issue measured). */
  @Benchmark
  public boolean nanpLibphonenumberParseAndValidate() throws NumberParseException {
    return util.isValidNumber(util.parse(NANP[i++ & MASK], "ZZ"));
  }

  /** libphonenumber: isValidNumber on an already parsed number (the regex work alone). */
  @Benchmark
  public boolean nanpLibphonenumberValidateOnly() {
    return util.isValidNumber(nanpParsed[i++ & MASK]);
  }

  /** libphonenumber: parse + isValidNumber on the international numbers. */
  @Benchmark
  public boolean internationalLibphonenumberParseAndValidate() {
    try {
      return util.isValidNumber(util.parse(INTERNATIONAL[i++ & MASK], "ZZ"));
    } catch (NumberParseException e) {
      return false; // "+44123"-style input can fail to parse: that is an answer too
    }
  }
}
