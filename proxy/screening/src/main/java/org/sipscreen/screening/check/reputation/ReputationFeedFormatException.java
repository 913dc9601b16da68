package org.sipscreen.screening.check.reputation;

import org.sipscreen.screening.datafile.DataFileFormatException;

/** A reputation feed file has a line that is not {@code number,score[,category]}, a comment or blank. */
public final class ReputationFeedFormatException extends DataFileFormatException {
  private static final long serialVersionUID = 1L;

  ReputationFeedFormatException(String source, int lineNumber, String line, String why) {
    super(source, lineNumber, line, why);
  }
}
