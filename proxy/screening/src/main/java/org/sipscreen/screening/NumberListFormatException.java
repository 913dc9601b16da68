package org.sipscreen.screening;

import org.sipscreen.screening.datafile.DataFileFormatException;

/** A number-list file has a line that is neither a number, a prefix, a comment nor blank. */
public final class NumberListFormatException extends DataFileFormatException {
  private static final long serialVersionUID = 1L;

  NumberListFormatException(String source, int lineNumber, String line, String why) {
    super(source, lineNumber, line, why);
  }
}
