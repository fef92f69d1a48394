package dev.memgov.cache;

import java.util.Arrays;

/**
 * The byte format of a value in L2, so the format can evolve:
 *
 * <pre>
 *   byte 0     magic 0xCA
 *   byte 1     format version (high 4 bits, now 1) | flags (low 4 bits; bit 0 = LZ4-compressed)
 *   [compressed only] original length as an unsigned varint (1-5 bytes)
 *   4 bytes    xxHash32 of the payload (big-endian)
 *   rest       the payload: the encoded value, or its raw LZ4 block
 * </pre>
 *
 * <p>A <b>tombstone</b> marks a key invalidated: {@code 0xCA}, version 1 | flag bit 1, then 8
 * random bytes, 10 bytes in all. It reads as absent; its random bytes make each one different, so
 * a conditional write can tell whether the key was invalidated again since it was read. A build
 * that predates tombstones reads one as a foreign value (a counted miss, and it deletes the key).
 *
 * <p>The header costs 6 bytes uncompressed and 7-9 bytes compressed. Anything else under a cache
 * key (wrong magic, unknown version, a checksum mismatch, a block that does not decompress to the
 * stated length) is rejected with {@link IllegalArgumentException}, which the cache counts as a
 * corrupt read and a miss. Stateless and thread-safe.
 */
final class StoredForm {
  static final int MAGIC = 0xCA;
  static final int VERSION = 1;
  static final int FLAG_LZ4 = 1;
  static final int FLAG_TOMBSTONE = 2;
  static final int TOMBSTONE_LENGTH = 10;
  /** Values above this are refused when decoding, so foreign bytes cannot ask for a huge buffer. */
  static final int MAX_ORIGINAL = 512 * 1024 * 1024;

  private StoredForm() {}

  /** The stored form of {@code encoded}: compressed when at least {@code threshold} bytes and smaller so. */
  static byte[] write(byte[] encoded, int threshold) {
    if (encoded.length >= threshold) {
      Lz4 lz4 = Lz4.INSTANCE;
      int head = 2 + varintSize(encoded.length) + 4;
      byte[] buf = new byte[head + lz4.maxCompressedLength(encoded.length)];
      int n = lz4.compress(encoded, buf, head);
      if (head + n < encoded.length + 6) {
        buf[0] = (byte) MAGIC;
        buf[1] = (byte) (VERSION << 4 | FLAG_LZ4);
        int p = writeVarint(buf, 2, encoded.length);
        writeInt(buf, p, lz4.checksum(buf, head, n));
        return Arrays.copyOf(buf, head + n);
      }
    }
    return plain(encoded);
  }

  /** The stored form of an L1 value that is already compressed. */
  static byte[] write(Compressed c) {
    int head = 2 + varintSize(c.originalLength) + 4;
    byte[] buf = new byte[head + c.block.length];
    buf[0] = (byte) MAGIC;
    buf[1] = (byte) (VERSION << 4 | FLAG_LZ4);
    int p = writeVarint(buf, 2, c.originalLength);
    writeInt(buf, p, Lz4.INSTANCE.checksum(c.block, 0, c.block.length));
    System.arraycopy(c.block, 0, buf, head, c.block.length);
    return buf;
  }

  static byte[] plain(byte[] encoded) {
    byte[] buf = new byte[encoded.length + 6];
    buf[0] = (byte) MAGIC;
    buf[1] = (byte) (VERSION << 4);
    writeInt(buf, 2, Lz4.INSTANCE.checksum(encoded, 0, encoded.length));
    System.arraycopy(encoded, 0, buf, 6, encoded.length);
    return buf;
  }

  /** A new tombstone, unlike any other one (8 random bytes). */
  static byte[] tombstone() {
    byte[] t = new byte[TOMBSTONE_LENGTH];
    t[0] = (byte) MAGIC;
    t[1] = (byte) (VERSION << 4 | FLAG_TOMBSTONE);
    long r = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    for (int i = 0; i < 8; i++) {
      t[2 + i] = (byte) (r >>> (8 * i));
    }
    return t;
  }

  /** Whether the stored bytes are a tombstone: the key was invalidated, it holds no value. */
  static boolean isTombstone(byte[] stored) {
    return stored != null && stored.length == TOMBSTONE_LENGTH && (stored[0] & 0xFF) == MAGIC
        && (stored[1] & 0xFF) == (VERSION << 4 | FLAG_TOMBSTONE);
  }

  /** The encoded value back. @throws IllegalArgumentException for bytes not in this format */
  static byte[] read(byte[] stored) {
    if (stored == null || stored.length < 6 || (stored[0] & 0xFF) != MAGIC) {
      throw new IllegalArgumentException("not a memgov cache value (bad magic)");
    }
    int version = (stored[1] & 0xFF) >>> 4;
    int flags = stored[1] & 0x0F;
    if (version != VERSION || (flags & ~FLAG_LZ4) != 0) {
      throw new IllegalArgumentException("unknown memgov cache value format " + version + "/" + flags);
    }
    int pos = 2;
    long original = -1;
    if ((flags & FLAG_LZ4) != 0) {
      original = 0;
      for (int shift = 0; ; shift += 7) {
        if (pos >= stored.length || shift > 28) {
          throw new IllegalArgumentException("truncated length in memgov cache value");
        }
        int b = stored[pos++] & 0xFF;
        original |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      if (original > MAX_ORIGINAL) {
        throw new IllegalArgumentException("memgov cache value claims " + original + " bytes");
      }
    }
    if (pos + 4 > stored.length) {
      throw new IllegalArgumentException("truncated memgov cache value");
    }
    int sum = readInt(stored, pos);
    pos += 4;
    if (Lz4.INSTANCE.checksum(stored, pos, stored.length - pos) != sum) {
      throw new IllegalArgumentException("checksum mismatch in memgov cache value");
    }
    if (original < 0) {
      return Arrays.copyOfRange(stored, pos, stored.length);
    }
    try {
      return Lz4.INSTANCE.decompress(stored, pos, stored.length - pos, (int) original);
    } catch (RuntimeException e) { // LZ4Exception is a RuntimeException
      throw new IllegalArgumentException("LZ4 block does not decompress: " + e.getMessage(), e);
    }
  }

  static int varintSize(int v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static int writeVarint(byte[] buf, int pos, int v) {
    while ((v & ~0x7F) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
    return pos;
  }

  private static void writeInt(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
  }

  private static int readInt(byte[] b, int p) {
    return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
  }
}
