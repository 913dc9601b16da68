package org.sipscreen.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StreamFramingTest {

  static final String START = "INVITE sip:bob@example.net SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bKs\r\n";

  static int contentLength(String headers) {
    byte[] b = headers.getBytes(StandardCharsets.ISO_8859_1);
    return StreamFraming.contentLength(b, b.length);
  }

  @Test
  void returnsAbsentWhenThereIsNoContentLength() {
    assertThat(contentLength(START + "X-Content-Length: 5\r\n\r\n")).isEqualTo(StreamFraming.ABSENT).isZero();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Content-Length: 42|42",
      "l: 7|7",
      "L:7|7",
      "content-LENGTH   :   0013  |13",
      "Content-Length: 0|0",
      "Content-Length:\t999999999|999999999"})
  void readsLongCompactAndOddlySpacedContentLength(String line, int expected) {
    assertThat(contentLength(START + line + "\r\nCSeq: 1 INVITE\r\n\r\n")).isEqualTo(expected);
  }

  @Test
  void readsContentLengthWithLfOnlyLinesAndWithoutTheBlankLine() {
    assertThat(contentLength((START + "Content-Length: 12\r\n").replace("\r\n", "\n"))).isEqualTo(12);
    assertThat(contentLength(START + "Content-Length: 12")).isEqualTo(12);
  }

  @Test
  void ignoresContentLengthInTheStartLineAndInContinuationLines() {
    assertThat(contentLength("Content-Length: 5 sip:x SIP/2.0\r\nSubject: a\r\n Content-Length: 9\r\n\r\n"))
        .isEqualTo(StreamFraming.ABSENT);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Content-Length: 5\\r\\nl: 5",
      "Content-Length: 5\\r\\nContent-Length: 6",
      "Content-Length: -1",
      "Content-Length: abc",
      "Content-Length: ",
      "l: 5x",
      "Content-Length: 1234567890"})
  void returnsInvalidForMultipleOrNonNumericValues(String lines) {
    assertThat(contentLength(START + lines.replace("\\r\\n", "\r\n") + "\r\n\r\n"))
        .isEqualTo(StreamFraming.INVALID);
  }
}
