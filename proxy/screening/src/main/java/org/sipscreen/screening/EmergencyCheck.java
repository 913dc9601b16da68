package org.sipscreen.screening;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Recognizes calls to emergency services: dialed digits equal to a configured emergency number (default
 * 911), a called number equal to one written as a full number, or the RFC 5031 {@code urn:service:sos}
 * Request-URI. Deliberately not a {@link Check}: it returns no verdict, and {@link ScreeningChain} runs it
 * before every check and forwards a match without running any other, so no check can block or delay it.
 */
public final class EmergencyCheck {

  /** The check name used in outcomes, metrics and logs. */
  public static final String NAME = "emergency";

  /** 911 only, the NANP default. */
  public static final EmergencyCheck DEFAULT = new EmergencyCheck(List.of("911"), PhoneNumbers.NANP);

  private final String[] dialStrings;
  private final String[] e164Numbers;

  /**
   * @param emergencyNumbers non-empty; each entry is digits with an optional leading + and optional visual
   *     separators ({@code -.()}, space), e.g. "911", "112", "+1 (202) 555-0100"
   * @param numbers normalizes entries that are full numbers, so "2025550100" also matches
   *     {@code sip:+12025550100@host}
   */
  public EmergencyCheck(List<String> emergencyNumbers, PhoneNumbers numbers) {
    Objects.requireNonNull(emergencyNumbers, "emergencyNumbers");
    Objects.requireNonNull(numbers, "numbers");
    if (emergencyNumbers.isEmpty()) {
      throw new IllegalArgumentException("emergency numbers must not be empty");
    }
    List<String> dial = new ArrayList<>();
    List<String> e164 = new ArrayList<>();
    for (String entry : emergencyNumbers) {
      Objects.requireNonNull(entry, "emergency number");
      String cleaned = entry.chars()
          .filter(c -> !PhoneNumbers.isVisualSeparator((char) c))
          .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
          .toString();
      String digits = cleaned.startsWith("+") ? cleaned.substring(1) : cleaned;
      if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("emergency number must be digits with an optional leading +"
            + " and visual separators: '" + entry + "'");
      }
      dial.add(digits);
      if (numbers.fromNumber(entry) instanceof PhoneNumber.E164 number) {
        e164.add(number.value());
      }
    }
    this.dialStrings = dial.toArray(new String[0]);
    this.e164Numbers = e164.toArray(new String[0]);
  }

  public String name() {
    return NAME;
  }

  /** Whether the call goes to emergency services. Never throws. */
  public boolean isEmergency(ScreenedCall call) {
    String requestUri = call.attempt().requestUri();
    if (PhoneNumbers.isEmergencyServiceUrn(requestUri)) {
      return true;
    }
    String dialed = call.dialedDigits();
    int start = dialed.startsWith("+") ? 1 : 0;
    for (String d : dialStrings) {
      if (dialed.length() - start == d.length() && dialed.startsWith(d, start)) {
        return true;
      }
    }
    if (e164Numbers.length > 0 && call.calledNumber() instanceof PhoneNumber.E164 called) {
      for (String n : e164Numbers) {
        if (n.equals(called.value())) {
          return true;
        }
      }
    }
    return false;
  }
}
