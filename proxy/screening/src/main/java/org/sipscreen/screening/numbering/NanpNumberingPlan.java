package org.sipscreen.screening.numbering;

import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of the North American Numbering Plan (country code 1) answering "is this +1
 * number possible" in O(1) without allocating: the fixed structure rules (NPA and NXX start with 2-9, no
 * N11, N9X/37X/96X area codes reserved, 555-0100..0199 fictional) plus, when loaded, the assigned area
 * codes and the allocated central-office codes. Build off the hot path with {@link #load} or
 * {@link #builder()} and swap the reference on reload.
 *
 * <p>Exchange (NPA-NXX) data is checked only for area codes that have at least one allocated exchange in
 * the loaded data: NANPA's CO-code report covers the US only, so without this rule loading it would flag
 * every Canadian and Caribbean caller.
 */
public final class NanpNumberingPlan {

  private static final long NANP_BASE = 10_000_000_000L; // +1 followed by ten digits
  private static final int NANP_DIGITS = 11;
  private static final int EXCHANGES = 1_000_000;

  /** Per NPA 0-999: the structural verdict on the area code. */
  private static final NumberValidity[] NPA_STRUCTURE = new NumberValidity[1000];
  /** Per NXX 0-999: the structural verdict on the exchange code. */
  private static final NumberValidity[] NXX_STRUCTURE = new NumberValidity[1000];

  static {
    for (int code = 0; code < 1000; code++) {
      NPA_STRUCTURE[code] = npaStructure(code);
    }
    for (int nxx = 0; nxx < 1000; nxx++) {
      NXX_STRUCTURE[nxx] = nxx < 200 ? NumberValidity.BAD_NXX
          : isN11(nxx) ? NumberValidity.N11_NXX
          : NumberValidity.VALID;
    }
  }

  private static final NanpNumberingPlan STRUCTURE_ONLY = builder().build();

  /** Per NPA 0-999: listed in the NPA data (all true when no NPA data is loaded). */
  private final boolean[] npaAssigned;
  private final BitSet assignedNpas; // null: no NPA data
  private final BitSet allocatedExchanges; // index npa * 1000 + nxx; null: no CO-code data
  private final BitSet exchangeDataNpas; // NPAs with at least one allocated exchange
  private final int assignedNpaCount;
  private final int allocatedExchangeCount;

  private NanpNumberingPlan(BitSet assignedNpas, BitSet allocatedExchanges) {
    this.assignedNpas = assignedNpas;
    this.allocatedExchanges = allocatedExchanges;
    this.exchangeDataNpas = new BitSet(1000);
    if (allocatedExchanges != null) {
      for (int i = allocatedExchanges.nextSetBit(0); i >= 0; i = allocatedExchanges.nextSetBit(i + 1)) {
        exchangeDataNpas.set(i / 1000);
      }
    }
    this.npaAssigned = new boolean[1000];
    for (int npa = 0; npa < 1000; npa++) {
      npaAssigned[npa] = assignedNpas == null || assignedNpas.get(npa);
    }
    this.assignedNpaCount = assignedNpas == null ? 0 : assignedNpas.cardinality();
    this.allocatedExchangeCount = allocatedExchanges == null ? 0 : allocatedExchanges.cardinality();
  }

  /** The structure rules only: every structurally possible area code and exchange counts as assigned. */
  public static NanpNumberingPlan structureOnly() {
    return STRUCTURE_ONLY;
  }

  /**
   * Loads the assigned area codes and, optionally, the allocated exchanges; each file may be in our plain
   * format or the numbering administrator's report format (see {@link NanpDataReader}).
   *
   * @throws NumberingDataFormatException for a bad line, naming the file and line number
   * @throws IOException when a file cannot be read
   */
  public static NanpNumberingPlan load(Path npaFile, Optional<Path> coCodeFile) throws IOException {
    Objects.requireNonNull(npaFile, "npaFile");
    Objects.requireNonNull(coCodeFile, "coCodeFile");
    Builder builder = builder().assignedNpas(NanpDataReader.readNpas(npaFile));
    if (coCodeFile.isPresent()) {
      builder.allocatedExchanges(NanpDataReader.readExchanges(coCodeFile.get()));
    }
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The verdict on a +1 number given as its E.164 digits (country code included, e.g. 12025550123) and
   * digit count. Allocation-free.
   *
   * @throws IllegalArgumentException when the digits do not start with country code 1
   */
  public NumberValidity classify(long digits, int digitCount) {
    if (digitCount < 1 || digitCount > 18 || leadingDigit(digits, digitCount) != 1) {
      throw new IllegalArgumentException("not a +1 number: " + digits + " (" + digitCount + " digits)");
    }
    if (digitCount < NANP_DIGITS) {
      return NumberValidity.TOO_SHORT;
    }
    if (digitCount > NANP_DIGITS) {
      return NumberValidity.TOO_LONG;
    }
    long national = digits - NANP_BASE;
    int npa = (int) (national / 10_000_000L);
    int nxx = (int) (national / 10_000L % 1000);
    int line = (int) (national % 10_000L);
    NumberValidity v = NPA_STRUCTURE[npa];
    if (v != NumberValidity.VALID) {
      return v;
    }
    v = NXX_STRUCTURE[nxx];
    if (v != NumberValidity.VALID) {
      return v;
    }
    if (nxx == 555 && line >= 100 && line <= 199) {
      return NumberValidity.FICTIONAL_555;
    }
    // Structural defects outrank data-driven ones: the data can lag, the structure cannot.
    if (!npaAssigned[npa]) {
      return NumberValidity.UNASSIGNED_NPA;
    }
    if (allocatedExchanges != null && exchangeDataNpas.get(npa)
        && !allocatedExchanges.get(npa * 1000 + nxx)) {
      return NumberValidity.UNALLOCATED_EXCHANGE;
    }
    return NumberValidity.VALID;
  }

  /** Whether NPA data is loaded (otherwise no area code is {@link NumberValidity#UNASSIGNED_NPA}). */
  public boolean hasNpaData() {
    return assignedNpas != null;
  }

  /** Whether CO-code data is loaded (otherwise no exchange is {@link NumberValidity#UNALLOCATED_EXCHANGE}). */
  public boolean hasExchangeData() {
    return allocatedExchanges != null;
  }

  /** Whether the area code is structurally possible and, when NPA data is loaded, assigned. */
  public boolean isAssignedNpa(int npa) {
    return npa >= 0 && npa < 1000 && NPA_STRUCTURE[npa] == NumberValidity.VALID && npaAssigned[npa];
  }

  /** Whether the loaded CO-code data lists the exchange (false when no CO-code data is loaded). */
  public boolean isAllocatedExchange(int npa, int nxx) {
    return allocatedExchanges != null && npa >= 0 && npa < 1000 && nxx >= 0 && nxx < 1000
        && allocatedExchanges.get(npa * 1000 + nxx);
  }

  public int assignedNpaCount() {
    return assignedNpaCount;
  }

  public int allocatedExchangeCount() {
    return allocatedExchangeCount;
  }

  @Override
  public String toString() {
    return "NanpNumberingPlan[" + (assignedNpas == null ? "no NPA data" : assignedNpaCount + " NPAs")
        + ", " + (allocatedExchanges == null ? "no CO-code data"
            : allocatedExchangeCount + " exchanges in " + exchangeDataNpas.cardinality() + " NPAs")
        + "]";
  }

  /** The structural verdict on an area code: BAD_NPA, N11_NPA, RESERVED_NPA or VALID. */
  static NumberValidity npaStructure(int npa) {
    if (npa < 200) {
      return NumberValidity.BAD_NPA;
    }
    if (isN11(npa)) {
      return NumberValidity.N11_NPA;
    }
    int second = npa / 10 % 10;
    if (second == 9 || npa / 10 == 37 || npa / 10 == 96) {
      return NumberValidity.RESERVED_NPA; // N9X expansion codes; 37X and 96X set aside
    }
    return NumberValidity.VALID;
  }

  static boolean isN11(int code) {
    return code % 100 == 11;
  }

  private static int leadingDigit(long digits, int digitCount) {
    long d = digits;
    for (int i = 1; i < digitCount; i++) {
      d /= 10;
    }
    return (int) d;
  }

  /** Collects the data sets; each setter copies its argument. */
  public static final class Builder {
    private BitSet assignedNpas;
    private BitSet allocatedExchanges;

    private Builder() {}

    /**
     * The assigned area codes, as a set of NPA values 200-999.
     *
     * @throws IllegalArgumentException when the set is empty or holds a value outside 200-999
     */
    public Builder assignedNpas(BitSet npas) {
      Objects.requireNonNull(npas, "npas");
      if (npas.isEmpty()) {
        throw new IllegalArgumentException("the assigned NPA set is empty");
      }
      if (npas.nextSetBit(0) < 200 || npas.length() > 1000) {
        throw new IllegalArgumentException("assigned NPAs must be 200-999");
      }
      this.assignedNpas = (BitSet) npas.clone();
      return this;
    }

    /**
     * The allocated exchanges, as a set of {@code npa * 1000 + nxx} values.
     *
     * @throws IllegalArgumentException when the set is empty or holds a value outside 200000-999999
     */
    public Builder allocatedExchanges(BitSet exchanges) {
      Objects.requireNonNull(exchanges, "exchanges");
      if (exchanges.isEmpty()) {
        throw new IllegalArgumentException("the allocated exchange set is empty");
      }
      if (exchanges.nextSetBit(0) < 200_000 || exchanges.length() > EXCHANGES) {
        throw new IllegalArgumentException("allocated exchanges must be NPA-NXX values 200000-999999");
      }
      this.allocatedExchanges = (BitSet) exchanges.clone();
      return this;
    }

    public NanpNumberingPlan build() {
      return new NanpNumberingPlan(assignedNpas, allocatedExchanges);
    }
  }
}
