package org.sipscreen.screening.numbering;

import org.sipscreen.screening.datafile.DataFileFormatException;

/** A numbering data file (NPA list, CO-code list, administrator report) has a line that cannot be used. */
public final class NumberingDataFormatException extends DataFileFormatException {
  private static final long serialVersionUID = 1L;

  NumberingDataFormatException(String source, int lineNumber, String line, String why) {
    super(source, lineNumber, line, why);
  }
}
