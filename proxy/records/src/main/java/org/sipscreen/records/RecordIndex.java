package org.sipscreen.records;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The index of one finished decision file: a sidecar {@code decisions-<hour>[.<n>].idx} holding the sorted
 * 64-bit keys ({@link #key}) of every caller and every callee in the file, and the file size it covers.
 * Traceback skips a file whose index lacks the number asked for ({@link #mayContain}); a file without an
 * index (the hour being written, a file appended to after a restart, files from before indexes) or whose
 * size no longer matches is read as before. A key collision only makes traceback read a file it could
 * have skipped, never miss a record.
 *
 * <p>Layout, big-endian: the 8 bytes {@code SSIDX1\0\0}, the covered file size, the number of caller keys,
 * the number of callee keys, then both sorted key arrays.
 */
public final class RecordIndex {

  private static final long MAGIC = ByteBuffer.wrap("SSIDX1\0\0".getBytes(StandardCharsets.US_ASCII))
      .getLong();
  private static final int HEADER_LONGS = 4;

  private RecordIndex() {}

  /** The key of an E.164 number as written in records ({@code +12025550123}); never 0 (0 is "none"). */
  public static long key(String e164) {
    long h = 0xcbf29ce484222325L; // FNV-1a, then a finalizer so that nearby numbers spread
    for (int i = 0; i < e164.length(); i++) {
      h = (h ^ e164.charAt(i)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }

  /** The sidecar of a decision file. */
  public static Path sidecar(Path decisionFile) {
    String name = decisionFile.getFileName().toString();
    String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
    return decisionFile.resolveSibling(base + ".idx");
  }

  /**
   * Writes the index of {@code decisionFile} ({@code coveredBytes} long): the keys given, sorted and
   * without repeats (the arrays are sorted in place). Written to a temporary file and moved into place.
   */
  static void write(Path decisionFile, long coveredBytes, long[] callers, int callerCount, long[] callees,
      int calleeCount) throws IOException {
    int nCallers = distinctSorted(callers, callerCount);
    int nCallees = distinctSorted(callees, calleeCount);
    ByteBuffer out = ByteBuffer.allocate((HEADER_LONGS + nCallers + nCallees) * Long.BYTES);
    out.putLong(MAGIC).putLong(coveredBytes).putLong(nCallers).putLong(nCallees);
    out.asLongBuffer().put(callers, 0, nCallers);
    out.position(out.position() + nCallers * Long.BYTES);
    out.asLongBuffer().put(callees, 0, nCallees);
    out.position(out.limit()).flip();
    Path target = sidecar(decisionFile);
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      while (out.hasRemaining()) {
        ch.write(out);
      }
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes the sidecar of {@code decisionFile}, if any (it is about to grow, or is deleted). */
  static void delete(Path decisionFile) throws IOException {
    Files.deleteIfExists(sidecar(decisionFile));
  }

  /**
   * Whether {@code decisionFile} may hold a record with this caller and this callee (0: any). True when
   * the file has no usable index.
   */
  public static boolean mayContain(Path decisionFile, long callerKey, long calleeKey) {
    Path index = sidecar(decisionFile);
    try (FileChannel ch = FileChannel.open(index, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER_LONGS * Long.BYTES || size % Long.BYTES != 0) {
        return true;
      }
      LongBuffer keys = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).asLongBuffer();
      long nCallers = keys.get(2);
      long nCallees = keys.get(3);
      if (keys.get(0) != MAGIC || keys.get(1) != Files.size(decisionFile) || nCallers < 0 || nCallees < 0
          || HEADER_LONGS + nCallers + nCallees != keys.limit()) {
        return true; // not an index, or the file changed after it was written
      }
      return (callerKey == 0 || contains(keys, HEADER_LONGS, HEADER_LONGS + (int) nCallers, callerKey))
          && (calleeKey == 0 || contains(keys, HEADER_LONGS + (int) nCallers, keys.limit(), calleeKey));
    } catch (NoSuchFileException e) {
      return true;
    } catch (IOException | RuntimeException e) {
      return true; // an unreadable index costs a scan, never a record
    }
  }

  private static boolean contains(LongBuffer keys, int from, int to, long key) {
    int lo = from;
    int hi = to - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long k = keys.get(mid);
      if (k < key) {
        lo = mid + 1;
      } else if (k > key) {
        hi = mid - 1;
      } else {
        return true;
      }
    }
    return false;
  }

  private static int distinctSorted(long[] keys, int count) {
    Arrays.sort(keys, 0, count);
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (n == 0 || keys[n - 1] != keys[i]) {
        keys[n++] = keys[i];
      }
    }
    return n;
  }
}
