package org.sipscreen.screening;

import java.util.ArrayList;
import java.util.List;

/**
 * A growable sequence of longs for loaders that do not know how many entries a file holds. Values go into
 * blocks that double up to 32 Ki longs (256 KiB, below G1's humongous-object size even with 1 MiB
 * regions), so growing never copies what was added, and a load of millions of entries needs the values
 * once plus one exact-size copy ({@link #toArray}).
 */
public final class LongBlocks {
  private static final int FIRST_BLOCK = 256;
  private static final int MAX_BLOCK = 1 << 15;

  private final List<long[]> full = new ArrayList<>();
  private long[] current = new long[FIRST_BLOCK];
  private int currentSize;
  private long size;

  public void add(long value) {
    if (currentSize == current.length) {
      full.add(current);
      current = new long[Math.min(MAX_BLOCK, current.length * 2)];
      currentSize = 0;
    }
    current[currentSize++] = value;
    size++;
  }

  public long size() {
    return size;
  }

  /**
   * The values in the order added, in one array of exactly {@link #size()} longs.
   *
   * @throws IllegalStateException when there are more values than an array can hold
   */
  public long[] toArray() {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("more than " + (Integer.MAX_VALUE - 8) + " values: " + size);
    }
    long[] all = new long[(int) size];
    int at = 0;
    for (long[] block : full) {
      System.arraycopy(block, 0, all, at, block.length);
      at += block.length;
    }
    System.arraycopy(current, 0, all, at, currentSize);
    return all;
  }
}
