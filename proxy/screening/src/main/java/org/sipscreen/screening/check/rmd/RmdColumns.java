package org.sipscreen.screening.check.rmd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which header of the RMD export holds each field sipscreen reads ({@code screening.rmd.columns}). The FCC
 * changes the export now and then, so positions are never assumed: a field is found by its header name
 * (compared without case and surrounding spaces). The three identifying fields are always read; a field
 * the config maps explicitly must be in the file, one left at its default may be absent.
 *
 * @param headers field name to header name, every field present
 * @param explicit the fields the config named
 */
public record RmdColumns(Map<String, String> headers, java.util.Set<String> explicit) {

  public static final String RMD_NUMBER = "rmd_number";
  public static final String FRN = "frn";
  public static final String BUSINESS_NAME = "business_name";
  public static final String OCN = "ocn";
  public static final String IMPLEMENTATION = "implementation";
  public static final String CONTACT_NAME = "contact_name";
  public static final String CONTACT_TELEPHONE = "contact_telephone";
  public static final String CONTACT_EMAIL = "contact_email";

  /** The fields, with the header names of the FCC's export of current filers. */
  public static final Map<String, String> DEFAULT_HEADERS = defaults();

  /** Fields every file must have. */
  public static final List<String> REQUIRED = List.of(RMD_NUMBER, FRN, BUSINESS_NAME);

  public RmdColumns {
    headers = Map.copyOf(headers);
    explicit = java.util.Set.copyOf(explicit);
  }

  /**
   * The defaults with {@code configured} over them.
   *
   * @throws IllegalArgumentException naming {@code columns.<field>} for an unknown field or an empty header
   */
  public static RmdColumns of(Map<String, String> configured) {
    Map<String, String> headers = new LinkedHashMap<>(DEFAULT_HEADERS);
    if (configured != null) {
      for (Map.Entry<String, String> e : configured.entrySet()) {
        if (!DEFAULT_HEADERS.containsKey(e.getKey())) {
          throw new IllegalArgumentException("columns." + e.getKey() + ": no such field; fields: "
              + DEFAULT_HEADERS.keySet());
        }
        if (e.getValue() == null || e.getValue().isBlank()) {
          throw new IllegalArgumentException("columns." + e.getKey() + ": the header name must not be empty");
        }
        headers.put(e.getKey(), e.getValue().strip());
      }
    }
    return new RmdColumns(headers, configured == null ? java.util.Set.of() : configured.keySet());
  }

  /** Whether a file without {@code field}'s header is refused. */
  boolean required(String field) {
    return REQUIRED.contains(field) || explicit.contains(field);
  }

  String header(String field) {
    return Objects.requireNonNull(headers.get(field), field);
  }

  private static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(RMD_NUMBER, "RMD Number");
    m.put(FRN, "FRN");
    m.put(BUSINESS_NAME, "Business Name");
    m.put(OCN, "OCN");
    m.put(IMPLEMENTATION, "Implementation");
    m.put(CONTACT_NAME, "Contact Name");
    m.put(CONTACT_TELEPHONE, "Contact Telephone Number");
    m.put(CONTACT_EMAIL, "Contact Email");
    return java.util.Collections.unmodifiableMap(m);
  }
}
