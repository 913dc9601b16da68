package org.sipscreen.screening.check.rmd;

import java.util.Objects;

/**
 * One filer of the Robocall Mitigation Database, the fields sipscreen reads; a field the file lacks is
 * empty.
 *
 * @param rmdNumber e.g. {@code RMD0012345}, upper case
 * @param frn the FCC Registration Number, 10 digits
 */
public record RmdRecord(String rmdNumber, String frn, String businessName, String ocn, String implementation,
    String contactName, String contactTelephone, String contactEmail) {
  public RmdRecord {
    Objects.requireNonNull(rmdNumber, "rmdNumber");
    Objects.requireNonNull(frn, "frn");
    Objects.requireNonNull(businessName, "businessName");
    Objects.requireNonNull(ocn, "ocn");
    Objects.requireNonNull(implementation, "implementation");
    Objects.requireNonNull(contactName, "contactName");
    Objects.requireNonNull(contactTelephone, "contactTelephone");
    Objects.requireNonNull(contactEmail, "contactEmail");
  }
}
