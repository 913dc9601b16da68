package org.sipscreen.screening.check.rmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RmdDatabaseTest {

  private static final String HEADER = "RMD Number,Business Name,FRN,Business Address,Contact Name,"
      + "Contact Telephone Number,Contact Email,Implementation,OCN\n";

  @TempDir
  Path dir;

  private static Path sample() throws URISyntaxException {
    return Path.of(RmdDatabaseTest.class.getResource("/rmd/rmd-sample.csv").toURI());
  }

  private static RmdDatabase read(String text) throws Exception {
    return RmdDatabase.read("rmd.csv", text, RmdColumns.of(Map.of()));
  }

  @Test
  void readsTheFccExportWithQuotedCommasQuotesAndLineBreaks() throws Exception {
    RmdDatabase db = RmdDatabase.load(sample(), RmdColumns.of(Map.of()));
    assertThat(db.records()).isEqualTo(5);
    RmdRecord a = db.find(RmdReference.parse("RMD0099001").orElseThrow()).orElseThrow();
    assertThat(a.businessName()).isEqualTo("Example Carrier A, LLC");
    assertThat(a.frn()).isEqualTo("0099000101");
    assertThat(a.ocn()).isEqualTo("9A01");
    assertThat(a.contactEmail()).isEqualTo("rmd-contact@carrier-a.example");
    assertThat(a.implementation()).isEqualTo("Complete STIR/SHAKEN Implementation");
    RmdRecord coop = db.find(RmdReference.parse("0099000103").orElseThrow()).orElseThrow();
    assertThat(coop.contactName()).as("doubled quotes inside a quoted field").isEqualTo("Lee \"Ops\" Doe");
    assertThat(coop.ocn()).isEmpty();
    assertThat(db.version()).hasSize(16);
  }

  @Test
  void findsByRmdNumberOrFrnWhateverTheSpelling() throws Exception {
    RmdDatabase db = RmdDatabase.load(sample(), RmdColumns.of(Map.of()));
    assertThat(db.find(RmdReference.parse(" rmd0099002 ").orElseThrow())).isPresent();
    assertThat(db.find(RmdReference.parse("99000102").orElseThrow()))
        .as("an FRN whose leading zeros a spreadsheet dropped").isPresent();
    assertThat(db.find(RmdReference.parse("RMD0099999").orElseThrow())).isEmpty();
  }

  @Test
  void mapsFieldsToTheHeadersTheConfigNames() throws Exception {
    RmdDatabase db = RmdDatabase.read("renamed.csv", """
        Filer Name,RMD Filing Number,FCC Registration Number,Operating Company Number
        "Renamed Export, Inc.",RMD0000007,0000000007,1X07
        """, RmdColumns.of(Map.of("business_name", "Filer Name", "rmd_number", "RMD Filing Number",
        "frn", "FCC Registration Number", "ocn", "Operating Company Number")));
    RmdRecord r = db.find(RmdReference.parse("RMD0000007").orElseThrow()).orElseThrow();
    assertThat(r.businessName()).isEqualTo("Renamed Export, Inc.");
    assertThat(r.ocn()).isEqualTo("1X07");
    assertThat(r.contactEmail()).as("a default column the file lacks is empty").isEmpty();
  }

  @Test
  void headersMatchWithoutCaseOrSurroundingSpaces() throws Exception {
    RmdDatabase db = read("\ufeff rmd number ,BUSINESS NAME,frn\nRMD0000001,A,0000000001\n");
    assertThat(db.records()).isEqualTo(1);
  }

  @Test
  void aMappedHeaderTheFileLacksIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> RmdDatabase.read("rmd.csv", HEADER, RmdColumns.of(Map.of("ocn", "OCN Code"))))
        .isInstanceOf(RmdFormatException.class)
        .hasMessageContaining("rmd.csv:1:")
        .hasMessageContaining("no column 'OCN Code' (columns.ocn)");
    assertThatThrownBy(() -> read("Business Name,FRN\nA,0000000001\n"))
        .as("the RMD number is always required")
        .hasMessageContaining("no column 'RMD Number' (columns.rmd_number)");
  }

  @Test
  void aRowWithTheWrongNumberOfFieldsIsNamedByFileAndLine() {
    String text = HEADER
        + "RMD0000001,\"A, Inc.\",0000000001,\"1 Main St\nTown ST 00001\",N,555,a@x.example,Complete,\n"
        + "RMD0000002,B Inc.,0000000002,2 Main St,N,555,b@x.example,Complete\n";
    assertThatThrownBy(() -> read(text))
        .isInstanceOf(RmdFormatException.class)
        .hasMessageStartingWith("rmd.csv:4: 8 fields where the header has 9");
  }

  @Test
  void aRowWithoutRmdNumberAndFrnOrWithAMalformedOneIsAnError() {
    assertThatThrownBy(() -> read("RMD Number,Business Name,FRN\nRMD0000001,A,1\n,B,\n"))
        .hasMessageStartingWith("rmd.csv:3: no RMD number and no FRN");
    assertThatThrownBy(() -> read("RMD Number,Business Name,FRN\nRMD-1,A,1\n"))
        .hasMessageStartingWith("rmd.csv:2: RMD number 'RMD-1' is not RMD followed by digits");
    assertThatThrownBy(() -> read("RMD Number,Business Name,FRN\nRMD0000001,A,12345678901\n"))
        .hasMessageStartingWith("rmd.csv:2: FRN '12345678901' is not up to 10 digits");
  }

  @Test
  void unbalancedQuotesAreAnErrorNamingTheFile() throws Exception {
    Path file = dir.resolve("broken.csv");
    Files.writeString(file, "RMD Number,Business Name,FRN\nRMD0000001,\"A, Inc.,0000000001\n");
    assertThatThrownBy(() -> RmdDatabase.load(file, RmdColumns.of(Map.of())))
        .isInstanceOf(RmdFormatException.class)
        .hasMessageContaining(file + ":");
  }

  @Test
  void anEmptyFileHasNoHeaderAndIsRefused() {
    assertThatThrownBy(() -> read("")).hasMessageContaining("empty file");
  }

  @Test
  void columnsRefuseUnknownFieldsAndEmptyHeaders() {
    assertThatThrownBy(() -> RmdColumns.of(Map.of("ocm", "OCN")))
        .hasMessageStartingWith("columns.ocm: no such field");
    assertThatThrownBy(() -> RmdColumns.of(Map.of("ocn", " ")))
        .hasMessageStartingWith("columns.ocn: the header name must not be empty");
  }
}
