package org.sipscreen.screening.check.stir_shaken;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final String signingInput;
  private final byte[] signature;
  private final String info;
  private final String ppt;
  private final String x5u;
  private final ObjectNode claims;

  private IdentityHeader(
      String signingInput, byte[] signature, String info, String ppt, String x5u, ObjectNode claims) {
    this.signingInput = signingInput;
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

  /** Parses one header value (without the name); never throws, never returns null. */
  public static IdentityParseResult parse(String value) {
    if (value == null || value.isBlank()) {
      return new Rejection(IdentityFailure.NO_IDENTITY, "empty Identity header");
    }
    if (value.length() > MAX_LENGTH) {
      return Rejection.invalid("Identity header longer than " + MAX_LENGTH + " characters");
    }
    String text = value.strip();
    int semicolon = text.indexOf(';');
    String jws = (semicolon < 0 ? text : text.substring(0, semicolon)).strip();

    // JWS compact serialization: three base64url parts (RFC 7515 section 7.1).
    int dot1 = jws.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : jws.indexOf('.', dot1 + 1);
    if (dot1 < 0 || dot2 < 0 || jws.indexOf('.', dot2 + 1) >= 0) {
      return Rejection.invalid("PASSporT is not JWS compact serialization (header.payload.signature)");
    }
    if (dot1 == 0) {
      return Rejection.invalid("PASSporT has an empty header");
    }
    String badPart = firstBadBase64Url(jws, 0, dot1, "header");
    if (badPart != null) {
      return Rejection.invalid(badPart);
    }
    Base64.Decoder decoder = Base64.getUrlDecoder();
    ObjectNode header = jsonObject(decoder.decode(jws.substring(0, dot1)));
    if (header == null) {
      return Rejection.invalid("PASSporT header is not a JSON object");
    }
    // The algorithm decides how the rest is read (RFC 7515 section 4.1.1): an alg other than ES256 (none,
    // HS256, ES384, ...) is an unsupported credential, 437, whatever its signature looks like.
    JsonNode algNode = header.get("alg");
    if (algNode == null || !algNode.isTextual()) {
      return Rejection.invalid("PASSporT header has no alg");
    }
    String alg = algNode.textValue();
    if (!ALG_ES256.equals(alg)) {
      return Rejection.unsupported("algorithm " + printable(alg) + " is not supported, only ES256");
    }
    String badCrit = firstNotUnderstoodCrit(header);
    if (badCrit != null) {
      return Rejection.invalid(badCrit);
    }
    if (dot2 == dot1 + 1 || dot2 == jws.length() - 1) {
      return Rejection.invalid("PASSporT has an empty part (compact form is not supported)");
    }
    badPart = firstBadBase64Url(jws, dot1 + 1, dot2, "payload");
    if (badPart == null) {
      badPart = firstBadBase64Url(jws, dot2 + 1, jws.length(), "signature");
    }
    if (badPart != null) {
      return Rejection.invalid(badPart);
    }
    byte[] signature = decoder.decode(jws.substring(dot2 + 1));
    if (signature.length != ES256_SIGNATURE_BYTES) {
      return Rejection.invalid(
          "ES256 signature must be 64 bytes R||S (RFC 7518 section 3.4), was " + signature.length);
    }
    ObjectNode claims = jsonObject(decoder.decode(jws.substring(dot1 + 1, dot2)));
    if (claims == null) {
      return Rejection.invalid("PASSporT payload is not a JSON object");
    }

    // PASSporT header (RFC 8225 section 4, RFC 8588 section 3).
    String typ = text(header, "typ");
    if (!TYP_PASSPORT.equals(typ)) {
      return Rejection.invalid("PASSporT header typ must be \"passport\", was " + typ);
    }
    String ppt = text(header, "ppt");
    if (ppt == null) {
      return Rejection.unsupported("PASSporT header has no ppt; only shaken and div are supported");
    }
    if (!Passport.PPT_SHAKEN.equals(ppt) && !Passport.PPT_DIV.equals(ppt)) {
      return Rejection.unsupported("ppt " + ppt + " is not supported, only shaken and div");
    }
    String x5u = text(header, "x5u");
    if (x5u == null) {
      return Rejection.badInfo("PASSporT header has no x5u");
    }

    // Header parameters (RFC 8224 section 4.1).
    String info = null;
    String algParam = null;
    String pptParam = null;
    int pos = semicolon < 0 ? text.length() : semicolon;
    while (pos < text.length()) {
      // text.charAt(pos) == ';'
      int nameStart = skipSpace(text, pos + 1);
      int eq = text.indexOf('=', nameStart);
      if (eq < 0) {
        return Rejection.invalid("Identity parameter without a value");
      }
      String name = text.substring(nameStart, eq).strip().toLowerCase(Locale.ROOT);
      int valueStart = skipSpace(text, eq + 1);
      int valueEnd;
      String paramValue;
      if (valueStart < text.length() && text.charAt(valueStart) == '<') {
        int close = text.indexOf('>', valueStart);
        if (close < 0) {
          return Rejection.badInfo("unterminated <...> in Identity parameter " + name);
        }
        paramValue = text.substring(valueStart + 1, close);
        valueEnd = close + 1;
      } else {
        int next = text.indexOf(';', valueStart);
        valueEnd = next < 0 ? text.length() : next;
        paramValue = text.substring(valueStart, valueEnd).strip();
      }
      int after = skipSpace(text, valueEnd);
      if (after < text.length() && text.charAt(after) != ';') {
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
    return new IdentityHeader(jws.substring(0, dot2), signature, info, ppt, x5u, claims);
  }

  /**
   * Why the header's {@code crit} parameter (RFC 7515 section 4.1.11) makes the PASSporT invalid, or null
   * when it is absent or lists only extensions this verifier understands ({@link #UNDERSTOOD_CRIT}). A
   * recipient must reject a JWS whose crit names an extension it does not understand; crit must also be a
   * non-empty array of distinct strings, none of them a parameter JWS or JWA itself defines, each present
   * in the header.
   */
  private static String firstNotUnderstoodCrit(ObjectNode header) {
    JsonNode crit = header.get("crit");
    if (crit == null) {
      return null;
    }
    if (!crit.isArray() || crit.isEmpty()) {
      return "PASSporT header crit must be a non-empty array of parameter names";
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (JsonNode element : crit) {
      if (!element.isTextual()) {
        return "PASSporT header crit must list parameter names as strings";
      }
      String name = element.textValue();
      if (!seen.add(name)) {
        return "PASSporT header crit lists " + printable(name) + " twice";
      }
      if (JWS_DEFINED.contains(name)) {
        return "PASSporT header crit lists " + printable(name) + ", which JWS defines";
      }
      if (!header.has(name)) {
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
    return signingInput;
  }

  /** The ES256 signature as 64 bytes R||S (a copy). */
  public byte[] signature() {
    return signature.clone();
  }

  byte[] signatureUnsafe() {
    return signature;
  }

  byte[] signingInputBytes() {
    return signingInput.getBytes(StandardCharsets.US_ASCII);
  }

  /** The decoded claims, checked by {@link PassportVerifier}; package-private, Jackson stays inside. */
  /** The origid claim as sent (not verified by itself), or null; for decision records. */
  public String origid() {
    return text(claims(), "origid");
  }

  ObjectNode claims() {
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

  private static ObjectNode jsonObject(byte[] bytes) {
    try {
      JsonNode node = JSON.readTree(bytes);
      return node instanceof ObjectNode object ? object : null;
    } catch (IOException e) {
      return null;
    }
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static int skipSpace(String s, int pos) {
    while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
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
    try {
      URI uri = new URI(s);
      String scheme = uri.getScheme();
      return uri.isAbsolute() && uri.getHost() != null
          && ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme));
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
