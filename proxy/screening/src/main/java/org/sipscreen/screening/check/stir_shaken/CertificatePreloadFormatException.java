package org.sipscreen.screening.check.stir_shaken;

import org.sipscreen.screening.datafile.DataFileFormatException;

/**
 * A certificate preload directory is unusable: its {@code index.txt} is missing, has a line that is not
 * {@code URL FILE.pem}, or names a file that is not a PEM certificate chain.
 */
public final class CertificatePreloadFormatException extends DataFileFormatException {
  private static final long serialVersionUID = 1L;

  CertificatePreloadFormatException(String source, int lineNumber, String line, String why) {
    super(source, lineNumber, line, why);
  }
}
