package org.sipscreen.screening.numbering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NanpDataReaderTest {

  @TempDir Path dir;

  /** Header of NANPA's npa_report.csv. */
  private static final String NPA_REPORT_HEADER = "NPA_ID,type_of_code,ASSIGNABLE,EXPLANATION,RESERVED,"
      + "ASSIGNED,ASSIGNMENT_DT,USE,LOCATION,COUNTRY,IN_SERVICE,IN_SERVICE_DT,STATUS,PLANNING_LETTERS,"
      + "\"NOTES\",OVERLAY,OVERLAY_COMPLEX,PARENT_NPA_ID,SERVICE,TIME_ZONE,AREA_SERVED,MAP,IN_JEOPARDY,"
      + "RELIEF_PLANNING_IN_PROGRESS,HOME_NPA_LOCAL_CALLS,HOME_NPA_TOLL_CALLS,FOREIGN_NPA_LOCAL_CALLS,"
      + "FOREIGN_NPA_TOLL_CALLS,PERM_HNPA_LOCAL_CALLS,PERM_HNPA_TOLL_CALLS,PERM_HNPA_FOREIGN_LOCAL_CALLS,"
      + "\"DIALING_PLAN_NOTES\"";

  private static List<Integer> values(BitSet set) {
    return set.stream().boxed().collect(Collectors.toList());
  }

  private static BitSet npas(String text) throws Exception {
    return NanpDataReader.readNpas("test.txt", new StringReader(text));
  }

  private static BitSet exchanges(String text) throws Exception {
    return NanpDataReader.readExchanges("test.txt", new StringReader(text));
  }

  @Test
  void readsPlainNpaListWithCommentsAndBlankLines() throws Exception {
    assertThat(values(npas("# header\n\n212\n  416   # CA ON\n\t202\n212\n"))).containsExactly(202, 212, 416);
  }

  @Test
  void readsNanpaNpaReportCsv() throws Exception {
    String csv = String.join("\r\n",
        "File Date,10/25/2017",
        NPA_REPORT_HEADER,
        "200,Easily Recognizable Code,Yes,,No,No,,N,,,N,,,,\"\",,,,,,,,,No,,,,,,,,\"\"",
        "202,General Purpose Code,Yes,,No,Yes,01-JAN-47,G,DC,US,Y,01-JAN-47,,,\"\",No,,,,E,,,No,No,7D,NA,"
            + "10D,1+10D,NA,NA,NA,\"\"",
        "211,Easily Recognizable Code,No,N11 Code,No,No,,,,,N,,,,\"\",,,,,,,,,No,,,,,,,,\"\"",
        "215,General Purpose Code,Yes,,No,Yes,01-JAN-47,G,PA,US,Y,01-JAN-47,Active,499 332,\"\",Yes,"
            + "215/267/445,,,E,,499,No,Yes,10D,10D,NA,1+10D,1+10D,NA,1+10D,\"All calls within and between"
            + " the 215 and 267 NPAs, \"\"quoted\"\", can be dialed as 10D.\"",
        "227,General Purpose Code,Yes,,No,Yes,17-JAN-01,G,MD,US,N,,,,\"\",Yes,227/240/301,240,,E,,,No,No"
            + ",,,,,,,,\"\"",
        "242,General Purpose Code,Yes,,No,Yes,,G,BAHAMAS,BAHAMAS,Y,01-OCT-96,,IL95/11-009,\"\",No,,809,,E,"
            + ",,No,No,7D,1+10D,NA,1+10D,NA,NA,NA,\"\"",
        "279,General Purpose Code,Yes,,No,Yes,09-FEB-17,G,CA,US,N,10-MAR-18,Active,502,\"\",Yes,916/279,"
            + "916,,P,,502,No,Yes,1+10D,1+10D,1+10D,1+10D,NA,NA,NA,\"\"",
        "");
    // 202, 215 and 242 are in service; 279 is assigned with a scheduled in-service date; 227 is assigned
    // but was never scheduled; 200 and 211 are not assigned.
    assertThat(values(npas(csv))).containsExactly(202, 215, 242, 279);
  }

  @Test
  void readsTabSeparatedNpaReportWithoutFileDateLine() throws Exception {
    String tsv = String.join("\n",
        NPA_REPORT_HEADER.replace(',', '\t').replace("\"", ""),
        "201\tGeneral Purpose Code\tYes\t\tNo\tYes\t01-Jan-47\tG\tNJ\tUS\tY\t01-Jan-47",
        "204\tGeneral Purpose Code\tYes\t\tNo\tYes\t01-Jan-47\tG\tMANITOBA\tCANADA\tY\t01-Jan-47",
        "221\tGeneral Purpose Code\tYes\t\tYes\tNo\t\tG\t\t\tN");
    assertThat(values(npas(tsv))).containsExactly(201, 204);
  }

  @Test
  void readsNanpaCentralOfficeCodeReport() throws Exception {
    String allutlzd = String.join("\n",
        "State\tNPA-NXX\tOCN\tCompany\tRateCenter\tEffectiveDate\tUse\tAssignDate\tInitial/Growth",
        "DC \t202-555\t9206\tVERIZON WASHINGTON, DC INC.\tWSHNGTNZN1\t        \tAS\t00/00/0000\tI",
        "DC \t202-456\t9206\tVERIZON WASHINGTON, DC INC.\tWSHNGTNZN1\t        \tAS\t00/00/0000\tI",
        "DC \t202-777\t    \t\tXXXXXXXXXX\t        \tUA\t          \t ",
        "NY \t212-200\t7555\tEXAMPLE CLEC, LLC\tNWYRCYZN01\t01/02/2003\tAS\t11/01/2002\tG");
    assertThat(values(exchanges(allutlzd))).containsExactly(202_456, 202_555, 212_200);
  }

  @Test
  void readsCnacCoCodeStatusReport() throws Exception {
    String cnac = String.join("\n",
        "NPA,CO Code (NXX),Status,Exchange Area,Province,Company,OCN,Remarks",
        "416,200,In Service,Toronto,ON,Example Telecom,1234,",
        "416,201,Not Available,,ON,,,\"reserved, test\"",
        "604,555,In Service,Vancouver,BC,Example Telecom,1234,");
    assertThat(values(exchanges(cnac))).containsExactly(416_200, 604_555);
  }

  @Test
  void readsPlainCoCodeListInBothSpellings() throws Exception {
    assertThat(values(exchanges("# exchanges\n202-555\n212200 # no dash\n\n"))).containsExactly(202_555, 212_200);
  }

  @Test
  void badPlainNpaLineNamesFileAndLine() throws Exception {
    Path file = dir.resolve("nanp-npa.txt");
    Files.writeString(file, "# ok\n212\n41 6\n");
    assertThatThrownBy(() -> NanpDataReader.readNpas(file))
        .isInstanceOf(NumberingDataFormatException.class)
        .hasMessage(file + ":3: NPA must be three digits, was '41 6': '41 6'")
        .satisfies(e -> {
          NumberingDataFormatException f = (NumberingDataFormatException) e;
          assertThat(f.source()).isEqualTo(file.toString());
          assertThat(f.lineNumber()).isEqualTo(3);
        });
  }

  @Test
  void rejectsN11AndZeroOrOneAreaCodesInNpaList() {
    assertThatThrownBy(() -> npas("212\n411\n"))
        .hasMessage("test.txt:2: NPA 411 is an N11 service code, never an area code: '411'");
    assertThatThrownBy(() -> npas("212\n123\n"))
        .hasMessage("test.txt:2: NPA 123 starts with 0 or 1: '123'");
  }

  @Test
  void badNpaReportRowNamesFileAndLine() throws Exception {
    Path file = dir.resolve("npa_report.csv");
    Files.writeString(file, "File Date,10/25/2017\n" + NPA_REPORT_HEADER + "\n"
        + "202,General Purpose Code,Yes,,No,Yes,01-JAN-47,G,DC,US,Y,01-JAN-47\n"
        + "2O3,General Purpose Code,Yes,,No,Yes,01-JAN-47,G,CT,US,Y,01-JAN-47\n");
    assertThatThrownBy(() -> NanpDataReader.readNpas(file))
        .isInstanceOf(NumberingDataFormatException.class)
        .hasMessageStartingWith(file + ":4: NPA_ID must be three digits, was '2O3'");
  }

  @Test
  void badCoCodeReportRowNamesFileAndLine() throws Exception {
    Path file = dir.resolve("allutlzd.txt");
    Files.writeString(file, "State\tNPA-NXX\tOCN\tCompany\tRateCenter\tEffectiveDate\tUse\n"
        + "DC \t202-555\t9206\tX\tY\t\tAS\n"
        + "DC \t202-55\t9206\tX\tY\t\tAS\n");
    assertThatThrownBy(() -> NanpDataReader.readExchanges(file))
        .isInstanceOf(NumberingDataFormatException.class)
        .hasMessageStartingWith(file + ":3: not an exchange code (NPA-NXX or NPANXX): '202-55'");
  }

  @Test
  void badCnacRowNamesLine() {
    assertThatThrownBy(() -> exchanges("NPA,CO Code (NXX),Status\n416,200,In Service\n416,099,In Service\n"))
        .hasMessageStartingWith("test.txt:3: NXX 099 starts with 0 or 1");
  }

  @Test
  void shortReportRowNamesMissingColumn() {
    assertThatThrownBy(() -> exchanges("State\tOCN\tNPA-NXX\nDC\t9206\n"))
        .hasMessageStartingWith("test.txt:2: row has 2 fields, column 'NPA-NXX' is number 3");
  }

  @Test
  void unterminatedQuoteNamesLine() {
    assertThatThrownBy(() -> npas(NPA_REPORT_HEADER + "\n202,\"General,Yes\n"))
        .hasMessageStartingWith("test.txt:2: unterminated quoted field");
  }

  @Test
  void rejectsUnrecognizedHeader() {
    assertThatThrownBy(() -> npas("Area Code,State\n212,NY\n"))
        .hasMessageStartingWith("test.txt:1: unrecognized header");
    assertThatThrownBy(() -> exchanges("Prefix,Carrier\n202555,X\n"))
        .hasMessageStartingWith("test.txt:1: unrecognized header");
  }

  @Test
  void rejectsFilesWithoutEntries() {
    assertThatThrownBy(() -> npas("# nothing\n\n")).hasMessage("test.txt:2: no assigned NPAs in the file");
    assertThatThrownBy(() -> npas(NPA_REPORT_HEADER + "\n200,Easily Recognizable Code,Yes,,No,No,,N,,,N\n"))
        .hasMessage("test.txt:2: no assigned NPAs in the file");
    assertThatThrownBy(() -> exchanges("")).hasMessage("test.txt:0: no allocated exchanges in the file");
  }

  @Test
  void skipsUtf8ByteOrderMark() throws Exception {
    Path file = dir.resolve("bom.csv");
    Files.write(file, ("\ufeffNPA,CO Code (NXX),Status\n416,200,In Service\n").getBytes(StandardCharsets.UTF_8));
    assertThat(values(NanpDataReader.readExchanges(file))).containsExactly(416_200);
  }
}
