package dev.memgov.cache;

/**
 * An L1 value held in compressed form: an LZ4 block and the length of the encoded value it
 * decompresses to. Immutable, thread-safe.
 */
final class Compressed {
  final byte[] block;
  final int originalLength;

  Compressed(byte[] block, int originalLength) {
    this.block = block;
    this.originalLength = originalLength;
  }

  byte[] inflate() {
    return Lz4.INSTANCE.decompress(block, 0, block.length, originalLength);
  }
}
