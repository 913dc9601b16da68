package org.sipscreen.records;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How decision record files are named: one partition per UTC hour, {@code decisions-2026-11-28T19.jsonl},
 * then {@code decisions-2026-11-28T19.1.jsonl}, {@code .2}, ... when a file reaches its size limit. A file
 * holds only records whose time falls in its hour, so a time window names exactly the files to read.
 */
public final class DecisionFiles {

  public static final long HOUR_MILLIS = 3_600_000L;

  private static final Pattern NAME =
      Pattern.compile("decisions-(\\d{4}-\\d{2}-\\d{2}T\\d{2})(?:\\.(\\d{1,9}))?\\.jsonl");
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH", Locale.ROOT).withZone(ZoneOffset.UTC);

  private DecisionFiles() {}

  /** One file: its hour (UTC epoch millis of the hour's start), its rotation index and its path. */
  public record Segment(long hourStart, int index, Path path) {
    static final Comparator<Segment> ORDER =
        Comparator.comparingLong(Segment::hourStart).thenComparingInt(Segment::index);
  }

  /** The start of the UTC hour {@code millis} falls in. */
  public static long hourOf(long millis) {
    return Math.floorDiv(millis, HOUR_MILLIS) * HOUR_MILLIS;
  }

  /** The file name of {@code index} (0 = the first file) of the hour starting at {@code hourStart}. */
  public static String name(long hourStart, int index) {
    String hour = HOUR.format(Instant.ofEpochMilli(hourStart));
    return index == 0 ? "decisions-" + hour + ".jsonl" : "decisions-" + hour + "." + index + ".jsonl";
  }

  /**
   * The report summary kept beside a decision file, {@code decisions-<hour>[.<n>].sum}. It names the size
   * of the file it was made from; the log deletes it with the file, and when it appends to the file.
   */
  public static Path summarySidecar(Path decisionFile) {
    String name = decisionFile.getFileName().toString();
    String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
    return decisionFile.resolveSibling(base + ".sum");
  }

  /** The segment a file name denotes, or null when it is not a decision record file. */
  public static Segment parse(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return null;
    }
    long hour = LocalDateTime.parse(m.group(1) + ":00:00").toEpochSecond(ZoneOffset.UTC) * 1000;
    int index = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    return new Segment(hour, index, file);
  }

  /** Every decision record file in {@code dir}, oldest hour first; empty when the directory is absent. */
  public static List<Segment> list(Path dir) throws IOException {
    List<Segment> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "decisions-*.jsonl")) {
      for (Path f : files) {
        Segment s = parse(f);
        if (s != null) {
          out.add(s);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    out.sort(Segment.ORDER);
    return out;
  }

  /** The files whose hour overlaps {@code [fromMillis, toMillis]} (both inclusive), oldest first. */
  public static List<Segment> overlapping(Path dir, long fromMillis, long toMillis) throws IOException {
    List<Segment> out = new ArrayList<>();
    for (Segment s : list(dir)) {
      if (s.hourStart() <= toMillis && s.hourStart() + HOUR_MILLIS > fromMillis) {
        out.add(s);
      }
    }
    return out;
  }
}
