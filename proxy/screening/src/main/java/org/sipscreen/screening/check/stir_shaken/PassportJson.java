package org.sipscreen.screening.check.stir_shaken;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the two JSON parts of a PASSporT, its JOSE header and its claims, with Jackson's streaming parser
 * straight into the few fields a SHAKEN or div verifier looks at, without building a tree. Each part must
 * be one JSON object with no name twice at any depth (as {@code ObjectMapper.readTree} with strict
 * duplicate detection accepts it; what follows the object is not read); everything else in it is read
 * (so a duplicate anywhere is found) and skipped. A part that is not such an object reads as null. The
 * values are kept as sent: which of them are well-formed is {@link IdentityHeader}'s and
 * {@link PassportVerifier}'s call. Thread-safe.
 */
final class PassportJson {

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private PassportJson() {}

  /**
   * The JOSE header's fields (RFC 7515 section 4, RFC 8225 section 4).
   *
   * @param alg the alg parameter when it is a JSON string, else null (so are typ, ppt and x5u)
   * @param names every parameter name present, for {@code crit}
   * @param crit null when absent; else {@link #critNotArray} or the array's elements, each a String or
   *     {@link #NOT_TEXT}
   */
  record Header(String alg, String typ, String ppt, String x5u, List<String> names, List<Object> crit) {}

  /** crit present but not an array. */
  static final List<Object> CRIT_NOT_ARRAY = List.of();
  /** A crit element or dest tn element that is not a JSON string. */
  static final Object NOT_TEXT = new Object();

  /**
   * The claims (RFC 8225 section 5, RFC 8588, RFC 8946): each null when absent or not of its JSON type.
   *
   * @param iat the iat claim when it is an integer that fits a long
   * @param origTn orig.tn when orig is an object and its tn a string
   * @param destTns dest.tn when dest is an object and its tn a non-empty array of strings
   * @param divTn div.tn when div is an object and its tn a string
   * @param attest the attest claim
   * @param origid the origid claim
   */
  record Claims(Long iat, String origTn, List<String> destTns, String divTn, String attest, String origid) {}

  /** The header in {@code json[0, length)}, or null when it is not one JSON object. */
  static Header header(byte[] json, int length) {
    try (JsonParser p = JSON.createParser(json, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String alg = null;
      String typ = null;
      String ppt = null;
      String x5u = null;
      List<Object> crit = null;
      List<String> names = new ArrayList<>(6);
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        names.add(name);
        JsonToken value = p.nextToken();
        switch (name) {
          case "alg" -> alg = text(p, value);
          case "typ" -> typ = text(p, value);
          case "ppt" -> ppt = text(p, value);
          case "x5u" -> x5u = text(p, value);
          case "crit" -> crit = crit(p, value);
          default -> p.skipChildren();
        }
      }
      return t == JsonToken.END_OBJECT ? new Header(alg, typ, ppt, x5u, names, crit) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The claims in {@code json[0, length)}, or null when they are not one JSON object. */
  static Claims claims(byte[] json, int length) {
    try (JsonParser p = JSON.createParser(json, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Long iat = null;
      String origTn = null;
      List<String> destTns = null;
      String divTn = null;
      String attest = null;
      String origid = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "iat" -> iat = integer(p, value);
          case "orig" -> origTn = singleTn(p, value);
          case "dest" -> destTns = tnList(p, value);
          case "div" -> divTn = singleTn(p, value);
          case "attest" -> attest = text(p, value);
          case "origid" -> origid = text(p, value);
          default -> p.skipChildren();
        }
      }
      return t == JsonToken.END_OBJECT ? new Claims(iat, origTn, destTns, divTn, attest, origid) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The current value when it is a string; otherwise skipped (with its children), null. */
  private static String text(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  private static Long integer(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return p.getLongValue();
    }
    p.skipChildren();
    return null;
  }

  private static List<Object> crit(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      return CRIT_NOT_ARRAY;
    }
    List<Object> elements = new ArrayList<>(2);
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      elements.add(t == JsonToken.VALUE_STRING ? p.getText() : NOT_TEXT);
      p.skipChildren();
    }
    return elements;
  }

  /** {@code {"tn": "..."}}: the tn string, or null. Other members are read and skipped. */
  private static String singleTn(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    String tn = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      boolean isTn = "tn".equals(p.currentName());
      JsonToken v = p.nextToken();
      if (isTn) {
        tn = text(p, v);
      } else {
        p.skipChildren();
      }
    }
    return tn;
  }

  /** {@code {"tn": ["...", ...]}}: the strings when there is at least one and all are strings, or null. */
  private static List<String> tnList(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    List<String> tns = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      boolean isTn = "tn".equals(p.currentName());
      JsonToken v = p.nextToken();
      if (!isTn) {
        p.skipChildren();
      } else if (v != JsonToken.START_ARRAY) {
        p.skipChildren();
        tns = null;
      } else {
        List<String> list = new ArrayList<>(2);
        boolean allText = true;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
          if (t == JsonToken.VALUE_STRING) {
            list.add(p.getText());
          } else {
            allText = false;
            p.skipChildren();
          }
        }
        tns = allText && !list.isEmpty() ? list : null;
      }
    }
    return tns;
  }
}
