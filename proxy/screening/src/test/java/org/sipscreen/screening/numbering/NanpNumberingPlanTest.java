package org.sipscreen.screening.numbering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NanpNumberingPlanTest {

  @TempDir Path dir;

  private static final NanpNumberingPlan STRUCTURE = NanpNumberingPlan.structureOnly();

  /** Classifies "+1..." text with the plan. */
  private static NumberValidity classify(NanpNumberingPlan plan, String e164) {
    String digits = e164.substring(1);
    return plan.classify(Long.parseLong(digits), digits.length());
  }

  private static BitSet npas(int... values) {
    BitSet set = new BitSet();
    for (int v : values) {
      set.set(v);
    }
    return set;
  }

  private static BitSet exchanges(int... npaNxx) {
    return npas(npaNxx);
  }

  @Test
  void acceptsStructurallyValidNumber() {
    assertThat(classify(STRUCTURE, "+12125551234")).isEqualTo(NumberValidity.VALID);
    assertThat(classify(STRUCTURE, "+14165550200")).isEqualTo(NumberValidity.VALID);
  }

  @Test
  void flagsShortAndLongPlusOneNumbers() {
    assertThat(classify(STRUCTURE, "+1212555123")).isEqualTo(NumberValidity.TOO_SHORT);
    assertThat(classify(STRUCTURE, "+1212")).isEqualTo(NumberValidity.TOO_SHORT);
    assertThat(classify(STRUCTURE, "+121255512345")).isEqualTo(NumberValidity.TOO_LONG);
    assertThat(classify(STRUCTURE, "+121255512345678")).isEqualTo(NumberValidity.TOO_LONG);
  }

  @Test
  void flagsAreaCodeStartingWithZeroOrOne() {
    assertThat(classify(STRUCTURE, "+10125551234")).isEqualTo(NumberValidity.BAD_NPA);
    assertThat(classify(STRUCTURE, "+11235551234")).isEqualTo(NumberValidity.BAD_NPA);
    assertThat(classify(STRUCTURE, "+10005551234")).isEqualTo(NumberValidity.BAD_NPA);
  }

  @Test
  void flagsExchangeStartingWithZeroOrOne() {
    assertThat(classify(STRUCTURE, "+12120551234")).isEqualTo(NumberValidity.BAD_NXX);
    assertThat(classify(STRUCTURE, "+12121991234")).isEqualTo(NumberValidity.BAD_NXX);
  }

  @Test
  void flagsN11AreaCode() {
    for (int n = 2; n <= 9; n++) {
      assertThat(classify(STRUCTURE, "+1" + n + "115551234")).isEqualTo(NumberValidity.N11_NPA);
    }
  }

  @Test
  void flagsN11Exchange() {
    assertThat(classify(STRUCTURE, "+12122111234")).isEqualTo(NumberValidity.N11_NXX);
    assertThat(classify(STRUCTURE, "+12129111234")).isEqualTo(NumberValidity.N11_NXX);
    assertThat(classify(STRUCTURE, "+12124111234")).isEqualTo(NumberValidity.N11_NXX);
  }

  @Test
  void flagsReservedAreaCodes() {
    for (String npa : new String[] {"290", "299", "390", "596", "999", "370", "379", "960", "969"}) {
      assertThat(classify(STRUCTURE, "+1" + npa + "5551234")).as(npa).isEqualTo(NumberValidity.RESERVED_NPA);
    }
    assertThat(classify(STRUCTURE, "+13605551234")).isEqualTo(NumberValidity.VALID);
    assertThat(classify(STRUCTURE, "+19705551234")).isEqualTo(NumberValidity.VALID);
  }

  @Test
  void flagsFictional555Range() {
    assertThat(classify(STRUCTURE, "+12025550100")).isEqualTo(NumberValidity.FICTIONAL_555);
    assertThat(classify(STRUCTURE, "+12025550150")).isEqualTo(NumberValidity.FICTIONAL_555);
    assertThat(classify(STRUCTURE, "+12025550199")).isEqualTo(NumberValidity.FICTIONAL_555);
    assertThat(classify(STRUCTURE, "+12025550099")).isEqualTo(NumberValidity.VALID);
    assertThat(classify(STRUCTURE, "+12025550200")).isEqualTo(NumberValidity.VALID);
    assertThat(classify(STRUCTURE, "+12025560150")).isEqualTo(NumberValidity.VALID);
  }

  @Test
  void flagsUnassignedAreaCode() {
    NanpNumberingPlan plan = NanpNumberingPlan.builder().assignedNpas(npas(202, 212, 416)).build();
    assertThat(classify(plan, "+12125551234")).isEqualTo(NumberValidity.VALID);
    assertThat(classify(plan, "+12135551234")).isEqualTo(NumberValidity.UNASSIGNED_NPA);
    assertThat(plan.isAssignedNpa(212)).isTrue();
    assertThat(plan.isAssignedNpa(213)).isFalse();
    assertThat(plan.assignedNpaCount()).isEqualTo(3);
  }

  @Test
  void structuralDefectOutranksMissingData() {
    NanpNumberingPlan plan = NanpNumberingPlan.builder().assignedNpas(npas(202)).build();
    assertThat(classify(plan, "+12132111234")).isEqualTo(NumberValidity.N11_NXX);
    assertThat(classify(plan, "+12135550123")).isEqualTo(NumberValidity.FICTIONAL_555);
    assertThat(classify(plan, "+12905551234")).isEqualTo(NumberValidity.RESERVED_NPA);
  }

  @Test
  void flagsUnallocatedExchangeOnlyInAreaCodesTheDataCovers() {
    NanpNumberingPlan plan = NanpNumberingPlan.builder()
        .assignedNpas(npas(202, 416))
        .allocatedExchanges(exchanges(202_555, 202_456))
        .build();
    assertThat(classify(plan, "+12025551234")).isEqualTo(NumberValidity.VALID);
    assertThat(classify(plan, "+12024561111")).isEqualTo(NumberValidity.VALID);
    assertThat(classify(plan, "+12027771234")).isEqualTo(NumberValidity.UNALLOCATED_EXCHANGE);
    // 416 (Toronto) has no exchange data, e.g. only NANPA's US report was loaded: not checked.
    assertThat(classify(plan, "+14167771234")).isEqualTo(NumberValidity.VALID);
    assertThat(plan.isAllocatedExchange(202, 555)).isTrue();
    assertThat(plan.isAllocatedExchange(202, 777)).isFalse();
    assertThat(plan.allocatedExchangeCount()).isEqualTo(2);
  }

  @Test
  void withoutDataEveryPossibleAreaCodeAndExchangeIsAccepted() {
    assertThat(STRUCTURE.hasNpaData()).isFalse();
    assertThat(STRUCTURE.hasExchangeData()).isFalse();
    assertThat(classify(STRUCTURE, "+12135551234")).isEqualTo(NumberValidity.VALID);
    assertThat(STRUCTURE.isAssignedNpa(213)).isTrue();
    assertThat(STRUCTURE.isAssignedNpa(211)).isFalse();
  }

  @Test
  void rejectsNumbersOutsideCountryCodeOne() {
    assertThatThrownBy(() -> STRUCTURE.classify(442079460018L, 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a +1 number");
  }

  @Test
  void builderRejectsEmptyOrOutOfRangeData() {
    assertThatThrownBy(() -> NanpNumberingPlan.builder().assignedNpas(new BitSet()))
        .hasMessage("the assigned NPA set is empty");
    assertThatThrownBy(() -> NanpNumberingPlan.builder().assignedNpas(npas(199)))
        .hasMessage("assigned NPAs must be 200-999");
    assertThatThrownBy(() -> NanpNumberingPlan.builder().allocatedExchanges(exchanges(199_999)))
        .hasMessage("allocated exchanges must be NPA-NXX values 200000-999999");
  }

  @Test
  void builderCopiesItsInput() {
    BitSet set = npas(202);
    NanpNumberingPlan plan = NanpNumberingPlan.builder().assignedNpas(set).build();
    set.set(213);
    assertThat(plan.isAssignedNpa(213)).isFalse();
  }

  @Test
  void loadsNpaAndCoCodeFiles() throws Exception {
    Path npaFile = dir.resolve("nanp-npa.txt");
    Files.writeString(npaFile, "# test\n202  # US DC\n416\n");
    Path coFile = dir.resolve("nanp-co-codes.txt");
    Files.writeString(coFile, "202-555\n202456  # no dash\n");
    NanpNumberingPlan plan = NanpNumberingPlan.load(npaFile, Optional.of(coFile));
    assertThat(plan.assignedNpaCount()).isEqualTo(2);
    assertThat(plan.allocatedExchangeCount()).isEqualTo(2);
    assertThat(classify(plan, "+12027771234")).isEqualTo(NumberValidity.UNALLOCATED_EXCHANGE);
    assertThat(classify(plan, "+13035551234")).isEqualTo(NumberValidity.UNASSIGNED_NPA);
    assertThat(plan.toString()).isEqualTo("NanpNumberingPlan[2 NPAs, 2 exchanges in 1 NPAs]");

    NanpNumberingPlan npaOnly = NanpNumberingPlan.load(npaFile, Optional.empty());
    assertThat(npaOnly.hasExchangeData()).isFalse();
    assertThat(classify(npaOnly, "+12027771234")).isEqualTo(NumberValidity.VALID);
  }

  @Test
  void classifiesAllTenDigitNumbersOfAnAreaCodeWithoutSurprises() {
    // Every exchange of one area code: exactly the N11 and 0XX/1XX exchanges are structural defects.
    int defects = 0;
    for (int nxx = 0; nxx < 1000; nxx++) {
      long digits = 1_202_000_0000L + nxx * 10_000L + 1234;
      if (STRUCTURE.classify(digits, 11) != NumberValidity.VALID) {
        defects++;
      }
    }
    assertThat(defects).isEqualTo(200 + 8);
  }
}
