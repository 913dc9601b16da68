package org.sipscreen.screening.check.rmd;

import org.sipscreen.screening.datafile.DataFileFormatException;

/** A line of the RMD export that cannot be used, named by file and line. */
public final class RmdFormatException extends DataFileFormatException {
  private static final long serialVersionUID = 1L;

  RmdFormatException(String source, int lineNumber, String line, String why) {
    super(source, lineNumber, line, why);
  }
}
