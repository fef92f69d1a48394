package dev.memgov.cache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A hit counter for the L1 hit path that costs about a plain field increment: one padded cell
 * per thread stripe, written with a plain (not volatile, not atomic, not opaque) increment.
 * Thread-safe in the sense that it never fails or corrupts memory; the count is approximate when
 * two threads share a stripe at the same instant (an increment can be lost), which is fine for
 * hit-rate metrics and keeps a {@code LongAdder} CAS and its contention off every hit.
 *
 * <p>Plain, not opaque: measured in {@code CacheHitBenchmark}'s random-key case, an opaque
 * read-modify-write (like a volatile read) on the hit path cost about a third of the throughput of
 * a CPU-cache-missing Caffeine get, a plain increment a few percent. {@link #sum()} reads the cells
 * with opaque loads, so a reader on another thread sees increments within a short time; a
 * {@code long} cell is never torn on the 64-bit JVMs memgov runs on.
 */
final class HitCounter {
  private static final int STRIPES = 64;
  private static final int PAD = 16; // 128 bytes apart: no false sharing, incl. adjacent-line prefetch
  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] cells = new long[STRIPES * PAD];

  @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs Java 19
  void increment() {
    cells[((int) Thread.currentThread().getId() & (STRIPES - 1)) * PAD]++;
  }

  long sum() {
    long s = 0;
    for (int i = 0; i < cells.length; i += PAD) {
      s += (long) CELLS.getOpaque(cells, i);
    }
    return s;
  }
}
