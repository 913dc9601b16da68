package org.sipscreen.screening.check.stir_shaken;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;

/**
 * The RFC 8226 section 9 TNAuthList of an STI certificate: service provider codes, telephone number ranges
 * and single numbers (module TN-Module-2016, EXPLICIT TAGS). {@link #authorizes} says whether a number is
 * covered; a list of SPCs only (the SHAKEN norm, ATIS-1000080) names no numbers and answers null.
 *
 * @param spcs service provider codes ({@code spc [0]})
 * @param ranges telephone number ranges ({@code range [1]})
 * @param ones single telephone numbers ({@code one [2]})
 */
public record TnAuthList(List<String> spcs, List<Range> ranges, List<String> ones) {

  /** What a TNAuthList given by reference (a bare URL) parses to: no SPCs, ranges or numbers. */
  public static final TnAuthList BY_REFERENCE = new TnAuthList(List.of(), List.of(), List.of());

  /** RFC 8226: TelephoneNumber ::= IA5String (SIZE (1..15)). */
  private static final int MAX_TN_LENGTH = 15;

  public TnAuthList {
    spcs = List.copyOf(spcs);
    ranges = List.copyOf(ranges);
    ones = List.copyOf(ones);
  }

  /**
   * {@code count} consecutive numbers of the same length as {@code start}, from {@code start} on.
   *
   * @param start the first number, 1 to 15 of {@code 0-9 # *}
   * @param count at least 2
   */
  public record Range(String start, BigInteger count) {
    public Range {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(count, "count");
    }

    /** Whether the digits {@code tn} fall in start..start+count-1, with start's length. */
    boolean contains(String tn) {
      if (tn.length() != start.length() || !digits(start)) {
        return false;
      }
      BigInteger number = new BigInteger(tn);
      BigInteger first = new BigInteger(start);
      return number.compareTo(first) >= 0 && number.compareTo(first.add(count)) < 0;
    }
  }

  /** The leaf's TNAuthList, null when the extension is absent; IllegalArgumentException when malformed. */
  public static TnAuthList of(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(CertificateChainValidator.TN_AUTH_LIST_OID);
    if (extension == null) {
      return null;
    }
    byte[] value;
    try {
      value = ASN1OctetString.getInstance(extension).getOctets();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("extension value is not an OCTET STRING", e);
    }
    return parse(value);
  }

  /**
   * Parses a DER TNAuthorizationList (the extension's extnValue contents).
   *
   * @throws IllegalArgumentException with a short reason when it is not one
   */
  public static TnAuthList parse(byte[] der) {
    Objects.requireNonNull(der, "der");
    ASN1Primitive primitive;
    try {
      primitive = ASN1Primitive.fromByteArray(der);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not DER: " + e.getMessage(), e);
    }
    if (primitive instanceof org.bouncycastle.asn1.ASN1IA5String) {
      // A bare IA5String (a URL naming the list, as in libstirshaken's and early STI-CA certificates) is a
      // list by reference that we do not fetch: it names no numbers here, so it constrains nothing.
      return BY_REFERENCE;
    }
    if (!(primitive instanceof ASN1Sequence sequence)) {
      throw new IllegalArgumentException("not a SEQUENCE of TNEntry");
    }
    if (sequence.size() == 0) {
      throw new IllegalArgumentException("empty TNAuthorizationList");
    }
    List<String> spcs = new ArrayList<>();
    List<Range> ranges = new ArrayList<>();
    List<String> ones = new ArrayList<>();
    for (ASN1Encodable element : sequence) {
      if (!(element instanceof ASN1TaggedObject tagged)
          || tagged.getTagClass() != BERTags.CONTEXT_SPECIFIC || !tagged.isExplicit()) {
        throw new IllegalArgumentException("TNEntry is not an explicitly tagged [0], [1] or [2]");
      }
      ASN1Primitive inner = tagged.getBaseObject().toASN1Primitive();
      switch (tagged.getTagNo()) {
        case 0 -> {
          String spc = ia5(inner, "spc");
          if (spc.isEmpty()) {
            throw new IllegalArgumentException("empty spc");
          }
          spcs.add(spc);
        }
        case 1 -> ranges.add(range(inner));
        case 2 -> ones.add(telephoneNumber(inner, "one"));
        default -> throw new IllegalArgumentException("unknown TNEntry tag [" + tagged.getTagNo() + "]");
      }
    }
    return new TnAuthList(spcs, ranges, ones);
  }

  /**
   * Whether the list authorizes the normalized (digits only, RFC 8224 section 8.3) number {@code tn}: null
   * when the list names no numbers (SPCs only), else whether {@code tn} is a {@code one} or in a range.
   */
  public Boolean authorizes(String tn) {
    if (ranges.isEmpty() && ones.isEmpty()) {
      return null;
    }
    if (tn == null || tn.isEmpty() || !digits(tn)) {
      return false;
    }
    if (ones.contains(tn)) {
      return true;
    }
    for (Range range : ranges) {
      if (range.contains(tn)) {
        return true;
      }
    }
    return false;
  }

  private static Range range(ASN1Primitive inner) {
    if (!(inner instanceof ASN1Sequence sequence) || sequence.size() < 2) {
      throw new IllegalArgumentException("range is not a SEQUENCE { start, count }");
    }
    String start = telephoneNumber(sequence.getObjectAt(0).toASN1Primitive(), "range start");
    if (!(sequence.getObjectAt(1) instanceof ASN1Integer count)) {
      throw new IllegalArgumentException("range count is not an INTEGER");
    }
    if (count.getValue().compareTo(BigInteger.TWO) < 0) {
      throw new IllegalArgumentException("range count below 2");
    }
    return new Range(start, count.getValue());
  }

  private static String telephoneNumber(ASN1Primitive inner, String what) {
    String tn = ia5(inner, what);
    if (tn.isEmpty() || tn.length() > MAX_TN_LENGTH) {
      throw new IllegalArgumentException(what + " must be 1 to 15 characters");
    }
    for (int i = 0; i < tn.length(); i++) {
      char c = tn.charAt(i);
      if ((c < '0' || c > '9') && c != '#' && c != '*') {
        throw new IllegalArgumentException(what + " has a character outside 0-9 # *");
      }
    }
    return tn;
  }

  private static String ia5(ASN1Primitive inner, String what) {
    if (!(inner instanceof ASN1IA5String string)) {
      throw new IllegalArgumentException(what + " is not an IA5String");
    }
    return string.getString();
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
