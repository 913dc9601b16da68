package org.sipscreen.screening.check.stir_shaken;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * One Identity header value (full name {@code Identity} or compact {@code y}), parsed and checked for
 * form but not yet verified: {@code <jws>;info=<url>;alg=ES256;ppt=shaken} (RFC 8224 section 4.1) with the
 * PASSporT in JWS compact serialization (RFC 8225 section 7). {@link #parse} never throws on peer input;
 * everything that is not a well-formed ES256 shaken/div PASSporT becomes a {@link Rejection}.
 *
 * <p>Accepted: base64url without padding only (RFC 7515 section 2), {@code info} with or without angle
 * brackets, parameters in any order and case. Not accepted: the RFC 8224 "compact form" with an empty
 * payload (it needs the canonical string rebuilt from the request, which SHAKEN does not use), padded or
 * standard base64 and DER signatures (the Asterisk testsuite vectors), and the RFC 4474 quoted form.
 */
public final class IdentityHeader implements IdentityParseResult {

  /** Longer values are rejected unscanned; real SHAKEN headers are about 600-900 characters. */
  public static final int MAX_LENGTH = 8192;

  public static final String ALG_ES256 = "ES256";
  public static final String TYP_PASSPORT = "passport";

  private static final int ES256_SIGNATURE_BYTES = 64;
  /**
   * Header parameters a {@code crit} list may name that this verifier understands and checks: {@code ppt}
   * (RFC 8225 section 8.1). Any other name in crit makes the PASSporT invalid (RFC 7515 section 4.1.11).
   */
  static final java.util.Set<String> UNDERSTOOD_CRIT = java.util.Set.of("ppt");
  /** Header parameters JWS (RFC 7515 section 4.1) and JWA define, which crit must not name. */
  private static final java.util.Set<String> JWS_DEFINED = java.util.Set.of("alg", "jku", "jwk", "kid",
      "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "b64", "zip", "enc", "epk", "apu", "apv",
      "iv", "tag", "p2s", "p2c");
  /** Each thread's {@link Scratch}. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  /** Value of each base64url character (RFC 4648 section 5); -1 for anything else. */
  private static final byte[] BASE64URL = base64UrlTable();
  /**
   * The last info URL {@link #isHttpUri} accepted: every PASSporT a signer sends carries the same one, so
   * the URI is parsed once per signer rather than once per call (a pure function of the string).
   */
  private static volatile String lastHttpUri;

  /** The received header value; the signing input is {@code value[signingFrom, signingTo)}. */
  private final String value;
  private final int signingFrom;
  private final int signingTo;
  private final byte[] signature;
  private final String info;
  private final String ppt;
  private final String x5u;
  private final PassportJson.Claims claims;

  private IdentityHeader(String value, int signingFrom, int signingTo, byte[] signature, String info,
      String ppt, String x5u, PassportJson.Claims claims) {
    this.value = value;
    this.signingFrom = signingFrom;
    this.signingTo = signingTo;
    this.signature = signature;
    this.info = info;
    this.ppt = ppt;
    this.x5u = x5u;
    this.claims = claims;
  }

  /** Whether a SIP header name is the Identity header: {@code Identity} or the compact {@code y}. */
  public static boolean isIdentityHeaderName(String name) {
    return name != null && (name.equalsIgnoreCase("Identity") || name.equals("y") || name.equals("Y"));
  }

  /**
   * Parses one header value (without the name); never throws, never returns null. The value is read in
   * place: no copy of it, the JSON parts decoded into a per-thread buffer and read by a streaming parser.
   * A value equal to the last one this thread parsed well gives that same (immutable) result again.
   */
  public static IdentityParseResult parse(String value) {
    Scratch scratch = SCRATCH.get();
    IdentityHeader last = scratch.last;
    if (last != null && last.value.equals(value)) {
      return last;
    }
    IdentityParseResult result = parse(value, scratch.decoded);
    if (result instanceof IdentityHeader parsed) {
      scratch.last = parsed;
    }
    return result;
  }

  /**
   * What a thread keeps between parses: the buffer the JSON parts are base64url-decoded into (a part is read
   * into it and parsed before the next part is decoded; large enough for a part of a {@link #MAX_LENGTH}
   * value), and the last header it parsed. The decision record reads again the Identity header the check
   * has just parsed on the same thread, and a retransmitted INVITE carries the same one: parsing is a pure
   * function of the value (the result is immutable), so that header is parsed once. Verification (signature,
   * freshness, numbers) does not depend on this and runs for every call.
   */
  private static final class Scratch {
    final byte[] decoded = new byte[MAX_LENGTH / 4 * 3 + 2];
    IdentityHeader last;
  }

  private static IdentityParseResult parse(String value, byte[] decoded) {
    if (value == null || value.isBlank()) {
      return new Rejection(IdentityFailure.NO_IDENTITY, "empty Identity header");
    }
    if (value.length() > MAX_LENGTH) {
      return Rejection.invalid("Identity header longer than " + MAX_LENGTH + " characters");
    }
    // The value stripped of white space is value[begin, end); the JWS is value[jwsFrom, jwsTo).
    int begin = 0;
    int end = value.length();
    while (Character.isWhitespace(value.charAt(begin))) {
      begin++;
    }
    while (Character.isWhitespace(value.charAt(end - 1))) {
      end--;
    }
    int semicolon = value.indexOf(';', begin);
    int jwsFrom = begin;
    int jwsTo = semicolon < 0 ? end : semicolon;
    while (jwsFrom < jwsTo && Character.isWhitespace(value.charAt(jwsFrom))) {
      jwsFrom++;
    }
    while (jwsTo > jwsFrom && Character.isWhitespace(value.charAt(jwsTo - 1))) {
      jwsTo--;
    }

    // JWS compact serialization: three base64url parts (RFC 7515 section 7.1).
    int dot1 = indexOf(value, '.', jwsFrom, jwsTo);
    int dot2 = dot1 < 0 ? -1 : indexOf(value, '.', dot1 + 1, jwsTo);
    if (dot1 < 0 || dot2 < 0 || indexOf(value, '.', dot2 + 1, jwsTo) >= 0) {
      return Rejection.invalid("PASSporT is not JWS compact serialization (header.payload.signature)");
    }
    if (dot1 == jwsFrom) {
      return Rejection.invalid("PASSporT has an empty header");
    }
    String badPart = firstBadBase64Url(value, jwsFrom, dot1, "header");
    if (badPart != null) {
      return Rejection.invalid(badPart);
    }
    PassportJson.Header header =
        PassportJson.header(decoded, decodeBase64Url(value, jwsFrom, dot1, decoded));
    if (header == null) {
      return Rejection.invalid("PASSporT header is not a JSON object");
    }
    // The algorithm decides how the rest is read (RFC 7515 section 4.1.1): an alg other than ES256 (none,
    // HS256, ES384, ...) is an unsupported credential, 437, whatever its signature looks like.
    String alg = header.alg();
    if (alg == null) {
      return Rejection.invalid("PASSporT header has no alg");
    }
    if (!ALG_ES256.equals(alg)) {
      return Rejection.unsupported("algorithm " + printable(alg) + " is not supported, only ES256");
    }
    String badCrit = firstNotUnderstoodCrit(header);
    if (badCrit != null) {
      return Rejection.invalid(badCrit);
    }
    if (dot2 == dot1 + 1 || dot2 == jwsTo - 1) {
      return Rejection.invalid("PASSporT has an empty part (compact form is not supported)");
    }
    badPart = firstBadBase64Url(value, dot1 + 1, dot2, "payload");
    if (badPart == null) {
      badPart = firstBadBase64Url(value, dot2 + 1, jwsTo, "signature");
    }
    if (badPart != null) {
      return Rejection.invalid(badPart);
    }
    int signatureBytes = decodedLength(jwsTo - dot2 - 1);
    if (signatureBytes != ES256_SIGNATURE_BYTES) {
      return Rejection.invalid(
          "ES256 signature must be 64 bytes R||S (RFC 7518 section 3.4), was " + signatureBytes);
    }
    byte[] signature = new byte[ES256_SIGNATURE_BYTES];
    decodeBase64Url(value, dot2 + 1, jwsTo, signature);
    PassportJson.Claims claims =
        PassportJson.claims(decoded, decodeBase64Url(value, dot1 + 1, dot2, decoded));
    if (claims == null) {
      return Rejection.invalid("PASSporT payload is not a JSON object");
    }

    // PASSporT header (RFC 8225 section 4, RFC 8588 section 3).
    String typ = header.typ();
    if (!TYP_PASSPORT.equals(typ)) {
      return Rejection.invalid("PASSporT header typ must be \"passport\", was " + typ);
    }
    String ppt = header.ppt();
    if (ppt == null) {
      return Rejection.unsupported("PASSporT header has no ppt; only shaken and div are supported");
    }
    if (!Passport.PPT_SHAKEN.equals(ppt) && !Passport.PPT_DIV.equals(ppt)) {
      return Rejection.unsupported("ppt " + ppt + " is not supported, only shaken and div");
    }
    String x5u = header.x5u();
    if (x5u == null) {
      return Rejection.badInfo("PASSporT header has no x5u");
    }

    // Header parameters (RFC 8224 section 4.1), in value[pos, end).
    String info = null;
    String algParam = null;
    String pptParam = null;
    int pos = semicolon < 0 ? end : semicolon;
    while (pos < end) {
      // value.charAt(pos) == ';'
      int nameStart = skipSpace(value, pos + 1, end);
      int eq = indexOf(value, '=', nameStart, end);
      if (eq < 0) {
        return Rejection.invalid("Identity parameter without a value");
      }
      String name = value.substring(nameStart, eq).strip().toLowerCase(Locale.ROOT);
      int valueStart = skipSpace(value, eq + 1, end);
      int valueEnd;
      String paramValue;
      if (valueStart < end && value.charAt(valueStart) == '<') {
        int close = indexOf(value, '>', valueStart, end);
        if (close < 0) {
          return Rejection.badInfo("unterminated <...> in Identity parameter " + name);
        }
        paramValue = value.substring(valueStart + 1, close);
        valueEnd = close + 1;
      } else {
        int next = indexOf(value, ';', valueStart, end);
        valueEnd = next < 0 ? end : next;
        paramValue = value.substring(valueStart, valueEnd).strip();
      }
      int after = skipSpace(value, valueEnd, end);
      if (after < end && value.charAt(after) != ';') {
        return Rejection.invalid("garbage after Identity parameter " + name + " (missing ';'?)");
      }
      pos = after;
      switch (name) {
        case "info" -> {
          if (info != null) {
            return Rejection.invalid("duplicate info parameter");
          }
          info = paramValue;
        }
        case "alg" -> {
          if (algParam != null) {
            return Rejection.invalid("duplicate alg parameter");
          }
          algParam = paramValue;
        }
        case "ppt" -> {
          if (pptParam != null) {
            return Rejection.invalid("duplicate ppt parameter");
          }
          pptParam = unquote(paramValue);
        }
        default -> {
          // RFC 8224 section 4.1 allows extension parameters; ignore them.
        }
      }
    }
    if (info == null) {
      return Rejection.badInfo("Identity header has no info parameter");
    }
    if (!isHttpUri(info)) {
      return Rejection.badInfo("info is not an absolute http(s) URI");
    }
    if (!info.equals(x5u)) {
      return Rejection.badInfo("info parameter and PASSporT x5u differ");
    }
    if (algParam != null && !ALG_ES256.equals(algParam)) {
      return Rejection.unsupported("alg parameter " + algParam + " is not supported, only ES256");
    }
    if (pptParam == null) {
      return Rejection.invalid("Identity header has no ppt parameter but the PASSporT has ppt " + ppt);
    }
    if (!pptParam.equals(ppt)) {
      return Rejection.invalid("ppt parameter " + pptParam + " differs from PASSporT ppt " + ppt);
    }
    return new IdentityHeader(value, jwsFrom, dot2, signature, info, ppt, x5u, claims);
  }

  /**
   * Why the header's {@code crit} parameter (RFC 7515 section 4.1.11) makes the PASSporT invalid, or null
   * when it is absent or lists only extensions this verifier understands ({@link #UNDERSTOOD_CRIT}). A
   * recipient must reject a JWS whose crit names an extension it does not understand; crit must also be a
   * non-empty array of distinct strings, none of them a parameter JWS or JWA itself defines, each present
   * in the header.
   */
  private static String firstNotUnderstoodCrit(PassportJson.Header header) {
    java.util.List<Object> crit = header.crit();
    if (crit == null) {
      return null;
    }
    if (crit.isEmpty()) { // also PassportJson.CRIT_NOT_ARRAY
      return "PASSporT header crit must be a non-empty array of parameter names";
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Object element : crit) {
      if (!(element instanceof String name)) {
        return "PASSporT header crit must list parameter names as strings";
      }
      if (!seen.add(name)) {
        return "PASSporT header crit lists " + printable(name) + " twice";
      }
      if (JWS_DEFINED.contains(name)) {
        return "PASSporT header crit lists " + printable(name) + ", which JWS defines";
      }
      if (!header.names().contains(name)) {
        return "PASSporT header crit lists " + printable(name) + ", which the header does not have";
      }
      if (!UNDERSTOOD_CRIT.contains(name)) {
        return "PASSporT header crit lists " + printable(name) + ", which this verifier does not understand";
      }
    }
    return null;
  }

  /** Peer text for a log detail: at most 40 printable ASCII characters. */
  private static String printable(String text) {
    StringBuilder sb = new StringBuilder(Math.min(text.length(), 40) + 2).append('"');
    for (int i = 0; i < text.length() && i < 40; i++) {
      char c = text.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.append(text.length() > 40 ? "...\"" : "\"").toString();
  }

  /** The certificate URL (info parameter, equal to the PASSporT's x5u). */
  public String info() {
    return info;
  }

  public String x5u() {
    return x5u;
  }

  /** "shaken" or "div". */
  public String ppt() {
    return ppt;
  }

  /** The signed text: base64url(header) "." base64url(payload), exactly as received. */
  public String signingInput() {
    return value.substring(signingFrom, signingTo);
  }

  /** The ES256 signature as 64 bytes R||S (a copy). */
  public byte[] signature() {
    return signature.clone();
  }

  byte[] signatureUnsafe() {
    return signature;
  }

  /** The signing input as the bytes ES256 signs (base64url is ASCII), copied straight from the value. */
  byte[] signingInputBytes() {
    byte[] bytes = new byte[signingTo - signingFrom];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) value.charAt(signingFrom + i);
    }
    return bytes;
  }

  /** The origid claim as sent (not verified by itself), or null; for decision records. */
  public String origid() {
    return claims.origid();
  }

  /** The claims as sent, checked by {@link PassportVerifier}. */
  PassportJson.Claims claims() {
    return claims;
  }

  @Override
  public String toString() {
    return "IdentityHeader[ppt=" + ppt + ", info=" + info + "]";
  }

  private static String firstBadBase64Url(String s, int from, int to, String part) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_';
      if (!ok) {
        return c == '='
            ? "PASSporT " + part + " has base64 padding (RFC 7515 requires none)"
            : "PASSporT " + part + " has a character outside base64url: '" + (c < 0x20 || c > 0x7e ? "?" : c) + "'";
      }
    }
    if ((to - from) % 4 == 1) {
      return "PASSporT " + part + " has an impossible base64url length";
    }
    return null;
  }

  /**
   * Decodes base64url {@code s[from, to)}, already checked by {@link #firstBadBase64Url}, into {@code out}
   * and returns the number of bytes. Like {@code Base64.getUrlDecoder()}, bits left over in the last
   * character are ignored.
   */
  private static int decodeBase64Url(String s, int from, int to, byte[] out) {
    int n = 0;
    int bits = 0;
    int count = 0;
    for (int i = from; i < to; i++) {
      bits = bits << 6 | BASE64URL[s.charAt(i)];
      if (++count == 4) {
        out[n++] = (byte) (bits >> 16);
        out[n++] = (byte) (bits >> 8);
        out[n++] = (byte) bits;
        bits = 0;
        count = 0;
      }
    }
    if (count == 2) {
      out[n++] = (byte) (bits >> 4);
    } else if (count == 3) {
      out[n++] = (byte) (bits >> 10);
      out[n++] = (byte) (bits >> 2);
    }
    return n;
  }

  /** How many bytes {@code chars} unpadded base64url characters decode to. */
  private static int decodedLength(int chars) {
    return chars / 4 * 3 + (chars % 4 == 0 ? 0 : chars % 4 - 1);
  }

  private static byte[] base64UrlTable() {
    byte[] table = new byte[128];
    java.util.Arrays.fill(table, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      table[alphabet.charAt(i)] = (byte) i;
    }
    return table;
  }

  private static int indexOf(String s, char c, int from, int to) {
    int i = s.indexOf(c, from);
    return i < to ? i : -1;
  }

  private static int skipSpace(String s, int pos, int end) {
    while (pos < end && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
      pos++;
    }
    return pos;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"'
        ? s.substring(1, s.length() - 1)
        : s;
  }

  private static boolean isHttpUri(String s) {
    if (s.equals(lastHttpUri)) {
      return true;
    }
    try {
      URI uri = new URI(s);
      String scheme = uri.getScheme();
      boolean http = uri.isAbsolute() && uri.getHost() != null
          && ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme));
      if (http) {
        lastHttpUri = s;
      }
      return http;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
