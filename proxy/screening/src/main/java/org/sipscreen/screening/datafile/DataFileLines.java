package org.sipscreen.screening.datafile;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads a data file (number list, numbering data, reputation feed) line by line into one reused char
 * buffer, so that a loader parses millions of lines without a String per line: after {@link #next} the
 * line is {@code chars()[start() .. end())}. Lines end at {@code \n}, {@code \r\n} or {@code \r}, as with
 * {@link java.io.BufferedReader#readLine}; a byte-order mark at the start is skipped. Files are read as
 * ISO-8859-1, one char per byte, so that stray bytes become a line error of the loader, not a decoder
 * error. Errors name the source and the current line number (see {@link DataFileFormatException}).
 */
public final class DataFileLines implements Closeable {

  /** The longest line accepted: longer ones are an error, not an ever-growing buffer. */
  public static final int MAX_LINE_LENGTH = 1 << 20;

  private static final int BUFFER_SIZE = 1 << 16;
  private static final char UTF8_BOM_1 = '\u00ef';
  private static final char UTF8_BOM_2 = '\u00bb';
  private static final char UTF8_BOM_3 = '\u00bf';

  /** Makes the loader's own {@link DataFileFormatException} subclass. */
  @FunctionalInterface
  public interface Errors {
    /** @param line the offending text, or null for a problem of the whole file */
    DataFileFormatException create(String source, int lineNumber, String line, String why);
  }

  private final String source;
  private final Errors errors;
  private final Reader reader;
  private final InputStream bytes;
  private final byte[] byteBuffer;
  private char[] buffer = new char[BUFFER_SIZE];
  /** Unread text is buffer[pos .. limit). */
  private int pos;
  private int limit;
  private boolean endOfInput;
  private int start;
  private int end;
  private int lineNumber;

  private DataFileLines(String source, Reader reader, InputStream bytes, Errors errors) {
    this.source = Objects.requireNonNull(source, "source");
    this.errors = Objects.requireNonNull(errors, "errors");
    this.reader = reader;
    this.bytes = bytes;
    this.byteBuffer = bytes == null ? null : new byte[BUFFER_SIZE];
  }

  /** Lines of text from a reader; {@code source} names it in error messages. */
  public static DataFileLines of(String source, Reader text, Errors errors) {
    return new DataFileLines(source, Objects.requireNonNull(text, "text"), null, errors);
  }

  /** Lines of a file, read as ISO-8859-1; the file's path names it in error messages. */
  public static DataFileLines open(Path file, Errors errors) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(errors, "errors");
    return new DataFileLines(file.toString(), null, Files.newInputStream(file), errors);
  }

  /** Advances to the next line; false at the end of the input. */
  public boolean next() throws IOException {
    int i = pos;
    while (true) {
      for (; i < limit; i++) {
        char c = buffer[i];
        if (c == '\n' || c == '\r') {
          if (c == '\r' && i + 1 == limit && !endOfInput) {
            break; // "\r\n" split across reads: read on before deciding
          }
          start = pos;
          end = i;
          pos = i + 1;
          if (c == '\r' && pos < limit && buffer[pos] == '\n') {
            pos++;
          }
          return found();
        }
      }
      if (endOfInput) {
        if (pos == limit) {
          return false;
        }
        start = pos;
        end = limit;
        pos = limit;
        return found();
      }
      int scanned = i - pos;
      fill();
      i = pos + scanned;
    }
  }

  /** The buffer holding the current line (reused: valid until the next call of {@link #next}). */
  public char[] chars() {
    return buffer;
  }

  /** Index of the current line's first char in {@link #chars()}. */
  public int start() {
    return start;
  }

  /** Index after the current line's last char (its terminator excluded). */
  public int end() {
    return end;
  }

  /** 1-based number of the current line; 0 before the first. */
  public int lineNumber() {
    return lineNumber;
  }

  /** The current line as a String (allocates: for error messages and header lines). */
  public String line() {
    return new String(buffer, start, end - start);
  }

  public String source() {
    return source;
  }

  /** An error about the current line, quoting it. */
  public DataFileFormatException error(String why) {
    return errors.create(source, lineNumber, line(), why);
  }

  /** An error about the whole file (no line quoted), at the current line number. */
  public DataFileFormatException fileError(String why) {
    return errors.create(source, lineNumber, null, why);
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    } else {
      bytes.close();
    }
  }

  private boolean found() {
    if (++lineNumber == 1 && start < end) {
      if (buffer[start] == '\ufeff') {
        start++;
      } else if (end - start >= 3 && buffer[start] == UTF8_BOM_1 && buffer[start + 1] == UTF8_BOM_2
          && buffer[start + 2] == UTF8_BOM_3) {
        start += 3;
      }
    }
    return true;
  }

  /** Moves the unread text to the front, grows the buffer if a line fills it, and reads more. */
  private void fill() throws IOException {
    if (pos > 0) {
      System.arraycopy(buffer, pos, buffer, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    if (limit == buffer.length) {
      if (buffer.length > MAX_LINE_LENGTH) {
        throw errors.create(source, lineNumber + 1, new String(buffer, 0, 100),
            "line longer than " + MAX_LINE_LENGTH + " characters");
      }
      buffer = Arrays.copyOf(buffer, Math.min(MAX_LINE_LENGTH + 1, buffer.length * 2));
    }
    int n;
    if (reader != null) {
      n = reader.read(buffer, limit, buffer.length - limit);
    } else {
      n = bytes.read(byteBuffer, 0, Math.min(byteBuffer.length, buffer.length - limit));
      for (int k = 0; k < n; k++) {
        buffer[limit + k] = (char) (byteBuffer[k] & 0xff);
      }
    }
    if (n < 0) {
      endOfInput = true;
    } else {
      limit += n;
    }
  }
}
