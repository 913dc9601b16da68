package org.sipscreen.screening.numbering;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** config/data/nanp-npa.txt: loads, holds the area codes everyone knows, and matches libphonenumber. */
class ShippedNpaFileTest {

  /** Surefire runs with the module directory (proxy/screening) as working directory. */
  static final Path SHIPPED = Path.of("../../config/data/nanp-npa.txt");

  @Test
  void shippedFileLoadsWithWellKnownAreaCodes() throws Exception {
    NanpNumberingPlan plan = NanpNumberingPlan.load(SHIPPED, Optional.empty());
    for (int npa : new int[] {202, 212, 415, 416, 604, 514, 242, 787, 800, 888}) {
      assertThat(plan.isAssignedNpa(npa)).as("NPA %d", npa).isTrue();
    }
    // 555 is an easily recognizable code that was never assigned as an area code.
    for (int npa : new int[] {211, 555, 999, 370, 960, 290, 200, 300}) {
      assertThat(plan.isAssignedNpa(npa)).as("NPA %d", npa).isFalse();
    }
    assertThat(plan.assignedNpaCount()).isBetween(400, 600);
  }

  @Test
  void shippedFileNamesItsSourceVersionAndCommand() throws Exception {
    String text = Files.readString(SHIPPED);
    assertThat(text).contains("libphonenumber " + NanpNpaListGenerator.libphonenumberVersion() + " metadata");
    assertThat(text).contains(NanpNpaListGenerator.COMMAND);
  }

  /**
   * Every listed NPA has a number libphonenumber calls valid, and a sample of the unlisted, structurally
   * possible NPAs has none. (A full regeneration takes about 20 s, too slow for a unit test; after a
   * libphonenumber upgrade run the generator, see the file header.)
   */
  @Test
  void shippedFileAgreesWithLibphonenumber() throws Exception {
    PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    BitSet listed = NanpDataReader.readNpas(SHIPPED);
    String hint = "regenerate config/data/nanp-npa.txt with: " + NanpNpaListGenerator.COMMAND;
    listed.stream().forEach(npa ->
        assertThat(NanpNpaListGenerator.firstValidSample(util, npa)).as(hint + " (NPA %d)", npa).isPresent());
    int sampled = 0;
    for (int npa = 201; npa <= 999; npa += 7) {
      if (!listed.get(npa) && NanpNumberingPlan.npaStructure(npa) == NumberValidity.VALID) {
        assertThat(NanpNpaListGenerator.firstValidSample(util, npa)).as(hint + " (NPA %d)", npa).isEmpty();
        sampled++;
      }
    }
    assertThat(sampled).isGreaterThan(20);
  }
}
