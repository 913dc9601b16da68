package org.sipscreen.screening;

import java.util.Objects;
import org.sipscreen.screening.numbering.NumberValidity;

/**
 * Turns raw header values and URIs into {@link PhoneNumber}s: E.164 from tel: and sip:/sips: URIs,
 * name-addr and addr-spec values, with national forms completed with the configured default country code.
 * Immutable and thread-safe; never throws on peer input (garbage becomes {@link PhoneNumber.Unparseable}).
 *
 * <p>Why a hand-written extractor and not JAIN-SIP's {@code AddressParser}/{@code URLParser}: we need only
 * the display-name boundary, the URI scheme, the user part and the host, while JAIN-SIP's parsers build a
 * full object tree, report bad input by throwing {@code ParseException} (a stack trace per garbage header,
 * which a flood turns into a CPU amplifier), reject common real-world deviations (unescaped visual
 * separators, user-part parameters like {@code ;verstat=}) and have no input-size bound. This scanner is a
 * single pass over at most {@link #MAX_INPUT_LENGTH} characters, never throws, never backtracks, and
 * allocates only the result. The grammar it follows is RFC 3261 section 20.10 (name-addr / addr-spec,
 * quoted display names with backslash escapes), section 19.1.1 (user part up to '@', password after ':'),
 * and RFC 3966 (tel: global numbers with visual separators {@code -.()}).
 *
 * <p>National forms: with country code "1" (NANP) a 10-digit number gets +1, an 11-digit number
 * starting with 1 gets +, and the 011 international prefix is replaced by +. With any other country code
 * the 00 international prefix is replaced by +, a single leading 0 (trunk prefix) by +CC, and digits that
 * already start with the country code are taken as international without the +; anything else is
 * ambiguous and therefore unparseable.
 *
 * <p>Impossible numbers are {@link PhoneNumber.Invalid}, not unparseable: a value written as a telephone
 * number — a {@code tel:} URI, a {@code sip:} URI with {@code user=phone}, a user part starting with
 * {@code +}, or a user part of digits and visual separators — whose digits no E.164 number can have (more
 * than 15, fewer than {@link #MIN_E164_DIGITS}, a NANP national number of other than 10 or 1+10 digits, a
 * country code starting with 0) is {@code too_long}, {@code too_short} or {@code unknown_country_code};
 * letters in a {@code tel:}, {@code user=phone} or {@code +}-prefixed number are {@code not_a_number}. A
 * user part that does not claim to be a number ({@code sip:alice@host}) stays unparseable.
 */
public final class PhoneNumbers {

  /** Header values or URIs longer than this are unparseable without being scanned (PROTOS-style input). */
  public static final int MAX_INPUT_LENGTH = 4096;

  /**
   * Fewest digits a full E.164 number has (a 3-digit country code and a 4-digit subscriber number, e.g.
   * Niue +683 xxxx); shorter digit strings are short codes, not caller IDs.
   */
  public static final int MIN_E164_DIGITS = 7;

  /** Numbering for the North American Numbering Plan, country code 1. */
  public static final PhoneNumbers NANP = new PhoneNumbers("1");

  private static final String[] ANONYMOUS_USERS = {
    "anonymous", "restricted", "private", "unavailable", "withheld"
  };
  private static final String ANONYMOUS_HOST = "anonymous.invalid";
  private static final int MAX_HEADER_VALUES = 4;

  private final String countryCode;

  /**
   * @param defaultCountryCode the E.164 country code for national forms: 1 to 3 digits, not starting
   *     with 0, e.g. "1" for NANP or "44"
   */
  public PhoneNumbers(String defaultCountryCode) {
    Objects.requireNonNull(defaultCountryCode, "defaultCountryCode");
    if (defaultCountryCode.isEmpty() || defaultCountryCode.length() > 3
        || defaultCountryCode.charAt(0) == '0'
        || !defaultCountryCode.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "default country code must be 1-3 digits not starting with 0, was '" + defaultCountryCode + "'");
    }
    this.countryCode = defaultCountryCode;
  }

  public String defaultCountryCode() {
    return countryCode;
  }

  /**
   * The number in a From, To or P-Asserted-Identity value (name-addr or addr-spec, header parameters
   * allowed). For a comma-separated P-Asserted-Identity (RFC 3325 section 9.1 allows a sip: and a tel:
   * identity) the first value that yields E.164 wins, else the first value's result.
   */
  public PhoneNumber fromHeader(String headerValue) {
    if (headerValue == null) {
      return new PhoneNumber.Unparseable("missing");
    }
    if (headerValue.length() > MAX_INPUT_LENGTH) {
      return new PhoneNumber.Unparseable("too long");
    }
    PhoneNumber first = null;
    int pos = 0;
    for (int n = 0; n < MAX_HEADER_VALUES && pos < headerValue.length(); n++) {
      long parsed = scanValue(headerValue, pos);
      if (parsed < 0) {
        return first != null ? first : new PhoneNumber.Unparseable("malformed name-addr");
      }
      int uriStart = (int) (parsed >>> 42) & 0x1fffff;
      int uriEnd = (int) (parsed >>> 21) & 0x1fffff;
      int next = (int) parsed & 0x1fffff;
      PhoneNumber number = classifyUri(headerValue, uriStart, uriEnd);
      if (number instanceof PhoneNumber.E164) {
        return number;
      }
      if (first == null) {
        first = number;
      }
      pos = next;
    }
    return first != null ? first : new PhoneNumber.Unparseable("empty");
  }

  /** The number in a bare URI, e.g. a Request-URI ({@code sip:+12025550123@host;user=phone}). */
  public PhoneNumber fromUri(String uri) {
    if (uri == null) {
      return new PhoneNumber.Unparseable("missing");
    }
    if (uri.length() > MAX_INPUT_LENGTH) {
      return new PhoneNumber.Unparseable("too long");
    }
    return classifyUri(uri, 0, uri.length());
  }

  /**
   * A number written on its own, as in configuration: {@code +1 (202) 555-0123}, {@code 2025550123}.
   * National forms follow the same rules as URIs.
   */
  public PhoneNumber fromNumber(String text) {
    if (text == null) {
      return new PhoneNumber.Unparseable("missing");
    }
    if (text.length() > MAX_INPUT_LENGTH) {
      return new PhoneNumber.Unparseable("too long");
    }
    int from = skipSpace(text, 0, text.length());
    int to = trimEnd(text, from, text.length());
    return classifyUser(text, from, to, false);
  }

  /**
   * The user part of a sip:/sips: Request-URI (or the number of a tel: URI) with visual separators
   * {@code -.()} and spaces removed and a leading + kept, for emergency matching: {@code sip:9-1-1@h} gives
   * "911". Parameters and percent-escapes are removed; other characters are kept. Returns "" when there is
   * no user part or the URI is not sip:, sips: or tel:. Never throws.
   */
  public static String dialedDigits(String requestUri) {
    if (requestUri == null || requestUri.length() > MAX_INPUT_LENGTH) {
      return "";
    }
    int from = skipSpace(requestUri, 0, requestUri.length());
    int to = trimEnd(requestUri, from, requestUri.length());
    long user = userPart(requestUri, from, to);
    if (user < 0) {
      return "";
    }
    int start = (int) (user >>> 32);
    int end = (int) user;
    if (isPlain(requestUri, start, end)) {
      return requestUri.substring(start, end); // the common case: nothing to decode or remove
    }
    String decoded = percentDecode(requestUri, start, end);
    if (decoded == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(decoded.length());
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      if (!isVisualSeparator(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * The URI of the first value of a From, To or P-Asserted-Identity header (inside the angle brackets of a
   * name-addr, or the addr-spec), or "" when the value is malformed or longer than
   * {@link #MAX_INPUT_LENGTH}. Never throws.
   */
  public static String uriOf(String headerValue) {
    if (headerValue == null || headerValue.length() > MAX_INPUT_LENGTH) {
      return "";
    }
    long parsed = scanValue(headerValue, 0);
    if (parsed < 0) {
      return "";
    }
    return headerValue.substring((int) (parsed >>> 42) & 0x1fffff, (int) (parsed >>> 21) & 0x1fffff);
  }

  /**
   * Whether the Request-URI is the RFC 5031 emergency service URN {@code urn:service:sos} or one of its
   * sub-services ({@code urn:service:sos.police}). Service URNs compare case-insensitively (RFC 5031
   * section 4.1).
   */
  public static boolean isEmergencyServiceUrn(String requestUri) {
    if (requestUri == null || requestUri.length() > MAX_INPUT_LENGTH) {
      return false;
    }
    int from = skipSpace(requestUri, 0, requestUri.length());
    int to = trimEnd(requestUri, from, requestUri.length());
    String sos = "urn:service:sos";
    if (to - from < sos.length() || (requestUri.charAt(from) | 0x20) != 'u'
        || !requestUri.regionMatches(true, from, sos, 0, sos.length())) {
      return false;
    }
    int after = from + sos.length();
    return after == to || requestUri.charAt(after) == '.';
  }

  // ---------------------------------------------------------------------------------------------------
  // Scanning. Positions are passed as int ranges to avoid substrings; results that need several
  // positions are packed into a long so the scanner allocates nothing.

  /**
   * Scans one name-addr or addr-spec starting at {@code pos}. Returns -1 when malformed, else
   * uriStart<<42 | uriEnd<<21 | next, where next is just past the separating comma (or the end). Inputs are
   * bounded by MAX_INPUT_LENGTH, so 21 bits per position suffice.
   */
  private static long scanValue(String s, int pos) {
    int len = s.length();
    int i = skipSpace(s, pos, len);
    int uriStart;
    int uriEnd;
    int after;
    if (i < len && s.charAt(i) == '"') {
      int close = endOfQuotedString(s, i, len);
      if (close < 0) {
        return -1;
      }
      int afterQuote = skipSpace(s, close + 1, len);
      if (afterQuote >= len) {
        // Only a quoted display name and no URI, e.g. "Anonymous": classify the quoted text itself.
        return ((long) i << 42) | ((long) (close + 1) << 21) | len;
      }
      if (s.charAt(afterQuote) != '<') {
        return -1;
      }
      i = afterQuote;
    }
    int lt = -1;
    for (int j = i; j < len; j++) {
      char c = s.charAt(j);
      if (c == '<') {
        lt = j;
        break;
      }
      if (c == ',' || c == '"' || c == '>') {
        break;
      }
    }
    if (lt >= 0) {
      int gt = s.indexOf('>', lt + 1);
      if (gt < 0) {
        return -1;
      }
      uriStart = lt + 1;
      uriEnd = gt;
      after = gt + 1;
    } else {
      uriStart = i;
      int comma = s.indexOf(',', i);
      uriEnd = comma < 0 ? len : comma;
      after = uriEnd;
    }
    // Skip header parameters up to the comma that separates values; quoted parameter values may hold
    // commas.
    int next = len;
    for (int j = after; j < len; j++) {
      char c = s.charAt(j);
      if (c == '"') {
        int close = endOfQuotedString(s, j, len);
        if (close < 0) {
          break;
        }
        j = close;
      } else if (c == ',') {
        next = j + 1;
        break;
      }
    }
    return ((long) uriStart << 42) | ((long) uriEnd << 21) | next;
  }

  /** Index of the closing quote of the quoted-string opening at {@code open}, or -1. */
  private static int endOfQuotedString(String s, int open, int len) {
    for (int j = open + 1; j < len; j++) {
      char c = s.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == '"') {
        return j;
      }
    }
    return -1;
  }

  private PhoneNumber classifyUri(String s, int from, int to) {
    from = skipSpace(s, from, to);
    to = trimEnd(s, from, to);
    int colon = indexOf(s, ':', from, to);
    if (colon < 0) {
      // A bare word such as "Anonymous" or "restricted" sent instead of a URI.
      return isAnonymousWord(s, from, to)
          ? PhoneNumber.ANONYMOUS
          : new PhoneNumber.Unparseable("no URI");
    }
    if (isScheme(s, from, colon, "sip") || isScheme(s, from, colon, "sips")) {
      int at = indexOf(s, '@', colon + 1, to);
      if (at < 0) {
        return PhoneNumber.ANONYMOUS; // no user part: nothing identifies the caller
      }
      int hostEnd = at + 1;
      while (hostEnd < to && ";?:>".indexOf(s.charAt(hostEnd)) < 0) {
        hostEnd++;
      }
      if (hostEnd - (at + 1) == ANONYMOUS_HOST.length()
          && s.regionMatches(true, at + 1, ANONYMOUS_HOST, 0, ANONYMOUS_HOST.length())) {
        return PhoneNumber.ANONYMOUS;
      }
      int userEnd = endOfUser(s, colon + 1, at);
      return classifyUser(s, colon + 1, userEnd, hasUserPhone(s, hostEnd, to));
    }
    if (isScheme(s, from, colon, "tel")) {
      int end = indexOf(s, ';', colon + 1, to);
      return classifyUser(s, colon + 1, end < 0 ? to : end, true);
    }
    return new PhoneNumber.Unparseable("not a sip:, sips: or tel: URI");
  }

  /** The user part range of a sip:/sips:/tel: URI packed as start<<32 | end, or -1 when there is none. */
  private static long userPart(String s, int from, int to) {
    int colon = indexOf(s, ':', from, to);
    if (colon < 0) {
      return -1;
    }
    if (isScheme(s, from, colon, "sip") || isScheme(s, from, colon, "sips")) {
      int at = indexOf(s, '@', colon + 1, to);
      if (at < 0) {
        return -1;
      }
      return ((long) (colon + 1) << 32) | endOfUser(s, colon + 1, at);
    }
    if (isScheme(s, from, colon, "tel")) {
      int end = indexOf(s, ';', colon + 1, to);
      return ((long) (colon + 1) << 32) | (end < 0 ? to : end);
    }
    return -1;
  }

  /** The user part ends at user parameters (";verstat=...", 3GPP TS 24.229) or a password (":pw"). */
  private static int endOfUser(String s, int from, int at) {
    for (int i = from; i < at; i++) {
      char c = s.charAt(i);
      if (c == ';' || c == ':') {
        return i;
      }
    }
    return at;
  }

  /**
   * Whether the URI parameters in {@code s[from, to)} (after the host) include {@code user=phone}
   * (RFC 3261 section 19.1.1: the user part is a telephone-subscriber). Parameters end at {@code ?}
   * (URI headers); names and values compare case-insensitively.
   */
  private static boolean hasUserPhone(String s, int from, int to) {
    String param = "user=phone";
    for (int i = indexOf(s, ';', from, to); i >= 0 && i < to; i = indexOf(s, ';', i + 1, to)) {
      int start = skipSpace(s, i + 1, to);
      int end = start;
      while (end < to && s.charAt(end) != ';' && s.charAt(end) != '?') {
        end++;
      }
      if (trimEnd(s, start, end) - start == param.length()
          && s.regionMatches(true, start, param, 0, param.length())) {
        return true;
      }
      if (end < to && s.charAt(end) == '?') {
        return false;
      }
    }
    return false;
  }

  /**
   * The number in a user part {@code s[from, to)}.
   *
   * @param telephone whether the URI says it holds a telephone number ({@code tel:}, {@code user=phone});
   *     a leading {@code +} says so too. Letters in such a user part are {@link NumberValidity#NOT_A_NUMBER};
   *     in any other user part they make it unparseable (a name such as {@code alice}).
   */
  private PhoneNumber classifyUser(String s, int from, int to, boolean telephone) {
    if (indexOf(s, '%', from, to) >= 0) {
      String decoded = percentDecode(s, from, to);
      if (decoded == null) {
        return new PhoneNumber.Unparseable("bad percent-escape");
      }
      return classifyUser(decoded, 0, decoded.length(), telephone);
    }
    if (from >= to) {
      return PhoneNumber.ANONYMOUS;
    }
    if (isAnonymousWord(s, from, to)) {
      return PhoneNumber.ANONYMOUS;
    }
    boolean plus = false;
    boolean separated = false; // a visual separator after the first digit: the digits must be copied
    int digitStart = -1;
    int digits = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits++ == 0) {
          digitStart = i;
        }
      } else if (c == '+' && digits == 0 && !plus) {
        plus = true;
      } else if (isVisualSeparator(c)) {
        separated |= digits > 0;
      } else {
        return telephone || plus ? PhoneNumber.Invalid.NOT_A_NUMBER
            : new PhoneNumber.Unparseable("not a number");
      }
    }
    if (digits == 0) {
      return telephone || plus ? PhoneNumber.Invalid.NOT_A_NUMBER
          : new PhoneNumber.Unparseable("no digits");
    }
    if (digits > 3 + PhoneNumber.E164.MAX_DIGITS) {
      // Longer than any international prefix (at most 3 digits) plus 15: no reading makes it E.164.
      return PhoneNumber.Invalid.TOO_LONG;
    }
    if (plus && !separated && s.charAt(digitStart - 1) == '+') {
      // "+digits" appears as is: one substring, not the digits and then "+" + digits.
      PhoneNumber.Invalid bad = e164Defect(s, digitStart, digitStart + digits);
      return bad != null ? bad : new PhoneNumber.E164(s.substring(digitStart - 1, digitStart + digits));
    }
    String d = separated ? digitsOf(s, digitStart, to, digits) : s.substring(digitStart, digitStart + digits);
    if (plus) {
      return e164(d);
    }
    if (countryCode.equals("1")) {
      if (d.startsWith("011")) {
        return e164(d.substring(3));
      }
      if (d.length() == 10) {
        return e164("1" + d);
      }
      if (d.length() == 11 && d.charAt(0) == '1') {
        return e164(d);
      }
      // A NANP national number is 10 digits, or 11 with the leading 1.
      return d.length() < 10 ? PhoneNumber.Invalid.TOO_SHORT : PhoneNumber.Invalid.TOO_LONG;
    }
    if (d.startsWith("00")) {
      return e164(d.substring(2));
    }
    if (d.charAt(0) == '0') {
      return e164(countryCode + d.substring(1));
    }
    if (d.startsWith(countryCode)) {
      return e164(d);
    }
    if (d.length() < MIN_E164_DIGITS) {
      return PhoneNumber.Invalid.TOO_SHORT;
    }
    if (d.length() > PhoneNumber.E164.MAX_DIGITS) {
      return PhoneNumber.Invalid.TOO_LONG;
    }
    return new PhoneNumber.Unparseable("national number without trunk prefix");
  }

  /** The {@code count} digits of {@code s[from, to)}, visual separators left out. */
  private static String digitsOf(String s, int from, int to, int count) {
    StringBuilder sb = new StringBuilder(count);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static PhoneNumber e164(String digits) {
    PhoneNumber.Invalid bad = e164Defect(digits, 0, digits.length());
    return bad != null ? bad : new PhoneNumber.E164("+" + digits);
  }

  /** Why the digits {@code s[from, to)} are no E.164 number, or null when they are one. */
  private static PhoneNumber.Invalid e164Defect(String s, int from, int to) {
    if (to - from < MIN_E164_DIGITS) {
      return PhoneNumber.Invalid.TOO_SHORT;
    }
    if (to - from > PhoneNumber.E164.MAX_DIGITS) {
      return PhoneNumber.Invalid.TOO_LONG;
    }
    if (s.charAt(from) == '0') {
      return PhoneNumber.Invalid.UNKNOWN_COUNTRY_CODE; // no country code starts with 0
    }
    return null;
  }

  /** Decodes %XX escapes (RFC 3261 section 19.1.2 lets any user-part character be escaped); null if bad. */
  private static String percentDecode(String s, int from, int to) {
    StringBuilder sb = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= to) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        sb.append((char) (hi << 4 | lo));
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Whether {@code s[from, to)} has no percent-escape and no visual separator. */
  private static boolean isPlain(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%' || isVisualSeparator(c)) {
        return false;
      }
    }
    return true;
  }

  /** RFC 3966 visual separators, plus the spaces people type in numbers. */
  static boolean isVisualSeparator(char c) {
    return c == '-' || c == '.' || c == '(' || c == ')' || c == ' ' || c == '\t';
  }

  private static boolean isAnonymousWord(String s, int from, int to) {
    for (String word : ANONYMOUS_USERS) {
      if (to - from == word.length() && s.regionMatches(true, from, word, 0, word.length())) {
        return true;
      }
    }
    // A quoted bare word: "Anonymous"
    if (to - from >= 2 && s.charAt(from) == '"' && s.charAt(to - 1) == '"') {
      return isAnonymousWord(s, from + 1, to - 1);
    }
    return false;
  }

  private static boolean isScheme(String s, int from, int colon, String scheme) {
    return colon - from == scheme.length() && s.regionMatches(true, from, scheme, 0, scheme.length());
  }

  private static int indexOf(String s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static int skipSpace(String s, int from, int to) {
    while (from < to && isSpace(s.charAt(from))) {
      from++;
    }
    return from;
  }

  private static int trimEnd(String s, int from, int to) {
    while (to > from && isSpace(s.charAt(to - 1))) {
      to--;
    }
    return to;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
}
