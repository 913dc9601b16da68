package org.sipscreen.screening.numbering;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Generates config/data/nanp-npa.txt, the shipped list of assigned NANP area codes, from libphonenumber's
 * metadata, so the list is reproducible and nobody types area codes by hand. An NPA is listed when some
 * number in it is valid for a NANP region: libphonenumber's NANP patterns are per NPA and sometimes per
 * NXX or thousands block, so every structurally possible NXX (200-999 except N11 and 555) is tried with
 * four line numbers whose thousands digits differ. Run (from /work/main):
 * <pre>{@value #COMMAND}</pre>
 */
public final class NanpNpaListGenerator {

  static final String COMMAND = "mvn -q -pl proxy/screening test-compile"
      + " org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test"
      + " -Dexec.mainClass=org.sipscreen.screening.numbering.NanpNpaListGenerator"
      + " -Dexec.args=config/data/nanp-npa.txt";

  private static final int[] LINES = {1234, 4567, 7890, 246};

  private NanpNpaListGenerator() {}

  /** Assigned NPA to a comment: the region and number type of the first valid sample number. */
  static SortedMap<Integer, String> assignedNpas() {
    PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    SortedMap<Integer, String> npas = new TreeMap<>();
    for (int npa = 200; npa <= 999; npa++) {
      final int code = npa;
      firstValidSample(util, npa).ifPresent(comment -> npas.put(code, comment));
    }
    return npas;
  }

  /**
   * "REGION number_type" of the first number in the area code that libphonenumber calls valid, trying
   * every NXX 200-999 except N11 and 555 with each of {@link #LINES}; empty when there is none.
   */
  static Optional<String> firstValidSample(PhoneNumberUtil util, int npa) {
    for (int nxx = 200; nxx <= 999; nxx++) {
      if (NanpNumberingPlan.isN11(nxx) || nxx == 555) {
        continue;
      }
      for (int line : LINES) {
        Phonenumber.PhoneNumber number = new Phonenumber.PhoneNumber()
            .setCountryCode(1)
            .setNationalNumber(npa * 10_000_000L + nxx * 10_000L + line);
        if (util.isValidNumber(number)) {
          return Optional.of(util.getRegionCodeForNumber(number) + " "
              + util.getNumberType(number).name().toLowerCase(Locale.ROOT));
        }
      }
    }
    return Optional.empty();
  }

  /** The libphonenumber version on the class path, from its Maven metadata. */
  static String libphonenumberVersion() {
    try (InputStream in = PhoneNumberUtil.class.getResourceAsStream(
        "/META-INF/maven/com.googlecode.libphonenumber/libphonenumber/pom.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String render(SortedMap<Integer, String> npas, String version, LocalDate date) {
    StringWriter out = new StringWriter();
    PrintWriter w = new PrintWriter(out);
    w.println("# Assigned NANP area codes (NPAs): the invalid_number check flags +1 callers in any other");
    w.println("# structurally possible area code as unassigned_npa.");
    w.println("#");
    w.println("# Format: one three-digit NPA per line; '#' starts a comment (here: the libphonenumber region");
    w.println("# and number type of the first valid sample number). Blank lines are ignored. The loader also");
    w.println("# reads NANPA's npa_report.csv in place of this file (see NanpDataReader).");
    w.println("#");
    w.println("# Generated from libphonenumber " + version + " metadata on " + date + " (UTC); do not edit by");
    w.println("# hand. An NPA is listed when a number NPA-NXX-XXXX (every NXX 200-999 except N11 and 555, line");
    w.println("# numbers 1234, 4567, 7890, 0246) is valid for a NANP region. Regenerate from /work/main with:");
    w.println("#   " + COMMAND);
    w.println("# " + npas.size() + " NPAs.");
    npas.forEach((npa, comment) -> w.println(npa + "  # " + comment));
    w.flush();
    return out.toString();
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: NanpNpaListGenerator OUTPUT_FILE");
      System.exit(2);
    }
    String text = render(assignedNpas(), libphonenumberVersion(), LocalDate.now(ZoneOffset.UTC));
    Files.writeString(Path.of(args[0]), text, StandardCharsets.US_ASCII);
    System.out.println("wrote " + args[0]);
  }
}
