package org.sipscreen.records;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files decision records go to: appends whole JSON lines to the file of the line's UTC hour
 * ({@link DecisionFiles}), starts the hour's next file when one would pass {@code maxFileBytes}, and
 * deletes the oldest files beyond the retention age or total size. Lines are buffered per file and reach
 * the operating system on {@link #flush} (or when a buffer fills); from there they survive a kill -9.
 * Never throws on I/O: a failed write loses the lines it carried, counts them in {@link #lost} and logs;
 * the next line opens the file again. Single-threaded (the recorder's writer thread); the counters may be
 * read from anywhere. Time comes from the injected clock.
 *
 * <p>At most two files are open: the current hour's and the previous one's, which a call decided just
 * before the hour turned may still reach. A line for an older hour opens that hour's file again (append).
 * A file that a crash left ending in a partial line gets a newline before the first new line.
 *
 * <p>A file this log started from empty gets an index ({@link RecordIndex}) of its callers and callees when
 * it is closed (rotated, replaced by a newer hour's file, or at shutdown); opening an existing file to
 * append to it removes its index, and the file stays unindexed (traceback reads it whole).
 */
public final class DecisionLog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DecisionLog.class);
  private static final int BUFFER_BYTES = 256 * 1024;
  private static final int MAX_OPEN = 2;
  private static final long RETENTION_CHECK_MILLIS = 60_000;
  private static final long WARN_EVERY_MILLIS = 60_000;

  private final Path dir;
  private final long maxFileBytes;
  private final long retentionMillis;
  private final long retentionBytes;
  private final Clock clock;
  private final List<Open> open = new ArrayList<>(MAX_OPEN + 1);
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private volatile java.util.function.Consumer<Path> onClosed;
  private long nextRetentionCheck = Long.MIN_VALUE;
  private long lastWarning = Long.MIN_VALUE;

  /**
   * @param dir the records directory; created when missing
   * @param maxFileBytes a file is not grown past this size (a single longer line gets a file of its own)
   * @param retentionHours files whose hour ended longer ago than this are deleted
   * @param retentionBytes the oldest files are deleted while all files together are larger than this
   * @param clock decides file ages (record times are in the records)
   */
  public DecisionLog(Path dir, long maxFileBytes, int retentionHours, long retentionBytes, Clock clock)
      throws IOException {
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException("maxFileBytes must be positive, was " + maxFileBytes);
    }
    if (retentionHours < 1) {
      throw new IllegalArgumentException("retentionHours must be positive, was " + retentionHours);
    }
    this.dir = Files.createDirectories(dir);
    this.maxFileBytes = maxFileBytes;
    this.retentionMillis = retentionHours * DecisionFiles.HOUR_MILLIS;
    this.retentionBytes = retentionBytes;
    this.clock = clock;
    long existing = 0;
    for (DecisionFiles.Segment f : DecisionFiles.list(this.dir)) {
      existing += sizeOf(f.path());
    }
    this.diskBytes = existing;
  }

  /** Lines handed to the operating system. */
  public long written() {
    return written.get();
  }

  /** Lines lost to I/O errors. */
  public long lost() {
    return lost.get();
  }

  public Path directory() {
    return dir;
  }

  /** Appends one line ({@code bytes[0, length)}, ending in a newline) to the file of {@code timeMillis}. */
  public void append(long timeMillis, byte[] bytes, int length) {
    append(timeMillis, bytes, length, 0, 0, false);
  }

  /**
   * Appends one line, and notes its caller and callee keys ({@link RecordIndex#key}; 0 for none) for the
   * file's index.
   */
  public void append(long timeMillis, byte[] bytes, int length, long callerKey, long calleeKey) {
    append(timeMillis, bytes, length, callerKey, calleeKey, true);
  }

  /** {@code keyed} false: the line's keys are unknown, so its file gets no index. */
  private void append(long timeMillis, byte[] bytes, int length, long callerKey, long calleeKey,
      boolean keyed) {
    diskBytes += length; // one writer thread; a lost line is corrected by the next retention pass
    long hour = DecisionFiles.hourOf(timeMillis);
    Open f = fileFor(hour);
    if (f == null) {
      lost.incrementAndGet();
      return;
    }
    if (f.size > 0 && f.size + length > maxFileBytes) {
      f = rotate(f);
      if (f == null) {
        lost.incrementAndGet();
        return;
      }
    }
    if (f.buffer.remaining() < length && !drain(f)) {
      lost.incrementAndGet();
      return;
    }
    if (length > f.buffer.capacity()) {
      try {
        writeFully(f.channel, ByteBuffer.wrap(bytes, 0, length));
        written.incrementAndGet();
      } catch (IOException e) {
        failed(f, e, 1);
        return;
      }
    } else {
      f.buffer.put(bytes, 0, length);
      f.pendingLines++;
    }
    f.size += length;
    if (keyed) {
      f.note(callerKey, calleeKey);
    } else {
      f.callers = null; // no index for this file
      f.callees = null;
    }
  }

  /** Hands every buffered line to the operating system, and runs retention once a minute. */
  public void flush() {
    for (Open f : List.copyOf(open)) {
      drain(f);
    }
    long now = clock.millis();
    if (now >= nextRetentionCheck) {
      nextRetentionCheck = now + RETENTION_CHECK_MILLIS;
      enforceRetention();
    }
  }

  /**
   * Bytes of the records directory's files: measured by the last retention pass (at most a minute ago)
   * plus what was appended since. Read from any thread.
   */
  public long diskBytes() {
    return diskBytes;
  }

  /** Written by the writer thread only; read by the metrics. */
  private volatile long diskBytes;

  /** Deletes files older than the retention age, then the oldest while the total is over the size limit. */
  public void enforceRetention() {
    List<DecisionFiles.Segment> files;
    try {
      files = DecisionFiles.list(dir);
    } catch (IOException e) {
      warn("cannot list " + dir + ": " + e);
      return;
    }
    long cutoff = clock.millis() - retentionMillis;
    long total = 0;
    long[] sizes = new long[files.size()];
    for (int i = 0; i < files.size(); i++) {
      sizes[i] = sizeOf(files.get(i).path());
      total += sizes[i];
    }
    for (int i = 0; i < files.size(); i++) {
      DecisionFiles.Segment s = files.get(i);
      boolean tooOld = s.hourStart() + DecisionFiles.HOUR_MILLIS <= cutoff;
      if ((tooOld || total > retentionBytes) && !isOpen(s.path())) {
        try {
          Files.deleteIfExists(s.path());
          RecordIndex.delete(s.path());
          Files.deleteIfExists(DecisionFiles.summarySidecar(s.path()));
          total -= sizes[i];
        } catch (IOException e) {
          warn("cannot delete " + s.path() + ": " + e);
        }
      }
    }
    diskBytes = total;
  }

  @Override
  public void close() {
    for (Open f : List.copyOf(open)) {
      if (drain(f)) {
        try {
          f.channel.force(false);
        } catch (IOException e) {
          warn("cannot sync " + f.path + ": " + e);
        }
        closeQuietly(f);
        index(f);
        closed(f);
      } else {
        closeQuietly(f);
      }
    }
    open.clear();
  }

  private Open fileFor(long hour) {
    for (int i = 0; i < open.size(); i++) {
      if (open.get(i).hour == hour) {
        return open.get(i);
      }
    }
    Open f = openLast(hour);
    if (f == null) {
      return null;
    }
    open.add(f);
    if (open.size() > MAX_OPEN) {
      Open oldest = null;
      for (Open o : open) {
        if (o != f && (oldest == null || o.hour < oldest.hour)) {
          oldest = o;
        }
      }
      boolean whole = drain(oldest);
      closeQuietly(oldest);
      open.remove(oldest);
      if (whole) {
        index(oldest);
        closed(oldest);
      }
    }
    enforceRetention();
    return f;
  }

  /** Opens the hour's newest file for appending, or its first file when it has none. */
  private Open openLast(long hour) {
    int index = 0;
    try {
      for (DecisionFiles.Segment s : DecisionFiles.list(dir)) {
        if (s.hourStart() == hour) {
          index = Math.max(index, s.index());
        }
      }
    } catch (IOException e) {
      warn("cannot list " + dir + ": " + e);
    }
    return openFile(hour, index);
  }

  private Open rotate(Open f) {
    boolean whole = drain(f);
    closeQuietly(f);
    open.remove(f);
    if (whole) {
      index(f);
      closed(f);
    }
    Open next = openFile(f.hour, f.index + 1);
    if (next != null) {
      open.add(next);
      enforceRetention();
    }
    return next;
  }

  private Open openFile(long hour, int index) {
    Path path = dir.resolve(DecisionFiles.name(hour, index));
    FileChannel ch = null;
    try {
      Files.createDirectories(dir);
      // WRITE at the end rather than APPEND, which cannot be combined with READ (for the last byte).
      ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.READ);
      long size = ch.size();
      ch.position(size);
      if (size > 0) {
        RecordIndex.delete(path); // the file grows past what its index covers
        Files.deleteIfExists(DecisionFiles.summarySidecar(path)); // and past what its summary counted
        ByteBuffer last = ByteBuffer.allocate(1);
        ch.read(last, size - 1);
        if (last.get(0) != '\n') {
          // A crash cut the last line short; end it so the next line stands alone.
          writeFully(ch, ByteBuffer.wrap(new byte[] {'\n'}));
          size++;
        }
      }
      return new Open(hour, index, path, ch, size);
    } catch (IOException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
      warn("cannot open " + path + ": " + e);
      return null;
    }
  }

  /**
   * Calls {@code listener} with each file this log closes whole (rotated, replaced by a newer hour's file,
   * or at shutdown), on the writer thread: it must return at once. A file it is told of may still be
   * opened again, for a late record of its hour.
   */
  public void onFileClosed(java.util.function.Consumer<Path> listener) {
    this.onClosed = listener;
  }

  private void closed(Open f) {
    java.util.function.Consumer<Path> listener = onClosed;
    if (listener == null || f.size == 0) {
      return;
    }
    try {
      listener.accept(f.path);
    } catch (RuntimeException e) {
      warn("file closed listener failed for " + f.path + ": " + e);
    }
  }

  /** Writes the index of a closed file that this log wrote from its first byte. */
  private void index(Open f) {
    if (!f.indexable || f.callers == null || f.size == 0) {
      return;
    }
    try {
      RecordIndex.write(f.path, f.size, f.callers, f.keyCount, f.callees, f.keyCount);
    } catch (IOException | RuntimeException e) {
      warn("cannot write the index of " + f.path + " (traceback reads the file whole): " + e);
    }
    f.callers = null;
    f.callees = null;
  }

  /** Writes f's buffer out; false (and the lines counted lost, the file closed) on an I/O error. */
  private boolean drain(Open f) {
    if (f.buffer.position() == 0) {
      return true;
    }
    f.buffer.flip();
    try {
      writeFully(f.channel, f.buffer);
      written.addAndGet(f.pendingLines);
      f.pendingLines = 0;
      f.buffer.clear();
      return true;
    } catch (IOException e) {
      failed(f, e, 0);
      return false;
    }
  }

  private void failed(Open f, IOException e, int more) {
    lost.addAndGet(f.pendingLines + more);
    f.pendingLines = 0;
    f.buffer.clear();
    warn("cannot write " + f.path + ": " + e);
    closeQuietly(f);
    open.remove(f);
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private boolean isOpen(Path p) {
    for (Open f : open) {
      if (f.path.equals(p)) {
        return true;
      }
    }
    return false;
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private void closeQuietly(Open f) {
    try {
      f.channel.close();
    } catch (IOException e) {
      warn("cannot close " + f.path + ": " + e);
    }
  }

  /** Logs at most once a minute: a full disk must not flood the log too. */
  private void warn(String message) {
    long now = clock.millis();
    if (lastWarning == Long.MIN_VALUE || now - lastWarning >= WARN_EVERY_MILLIS) {
      lastWarning = now;
      log.warn("decision records: {}", message);
    }
  }

  /** One open file and the lines buffered for it. */
  private static final class Open {
    final long hour;
    final int index;
    final Path path;
    final FileChannel channel;
    final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    long size;
    int pendingLines;
    /** Started from empty: its keys cover every line, so it may get an index. */
    final boolean indexable;
    long[] callers;
    long[] callees;
    int keyCount;

    Open(long hour, int index, Path path, FileChannel channel, long size) {
      this.hour = hour;
      this.index = index;
      this.path = path;
      this.channel = channel;
      this.size = size;
      this.indexable = size == 0;
      this.callers = indexable ? new long[1024] : null;
      this.callees = indexable ? new long[1024] : null;
    }

    /** Keeps a line's keys for the index (0: none, e.g. an anonymous caller). */
    void note(long callerKey, long calleeKey) {
      if (callers == null || (callerKey == 0 && calleeKey == 0)) {
        return; // a line without numbers (a call outcome): nothing a traceback could look up
      }
      if (keyCount == callers.length) {
        callers = java.util.Arrays.copyOf(callers, keyCount * 2);
        callees = java.util.Arrays.copyOf(callees, keyCount * 2);
      }
      callers[keyCount] = callerKey;
      callees[keyCount] = calleeKey;
      keyCount++;
    }
  }
}
