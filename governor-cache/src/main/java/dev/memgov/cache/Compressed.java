package dev.memgov.cache;

/**
 * An L1 value held in compressed form: an LZ4 block and the length of the encoded value it
 * decompresses to. Immutable, thread-safe.
 *
 * <p>A value compressed in place by a cut ({@link #aged}) was written before: storing the
 * compressed form is a write to Caffeine, which restarts its expire-after-write clock, so such a
 * value carries the time its original write expires ({@link #expiresAt}, on the cache's ticker)
 * and the cache treats it as absent from then on. A value compressed as it was written needs none.
 */
final class Compressed {
  final byte[] block;
  final int originalLength;
  /** Whether this replaced an older write in L1 and so expires at {@link #expiresAt}. */
  final boolean aged;
  /** When the original write expires, in ticker nanoseconds; meaningful only when {@link #aged}. */
  final long expiresAt;

  Compressed(byte[] block, int originalLength) {
    this(block, originalLength, false, 0);
  }

  Compressed(byte[] block, int originalLength, boolean aged, long expiresAt) {
    this.block = block;
    this.originalLength = originalLength;
    this.aged = aged;
    this.expiresAt = expiresAt;
  }

  byte[] inflate() {
    return Lz4.INSTANCE.decompress(block, 0, block.length, originalLength);
  }

  /** Whether an aged value's original write has expired at {@code now} (ticker nanoseconds). */
  boolean expired(long now) {
    return aged && now - expiresAt >= 0;
  }
}
