package dev.memgov.cache;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LZ4 block compression, on the native (JNI) implementation when it loads and on the pure-Java
 * safe one otherwise. Not {@code LZ4Factory.fastestInstance()}: it silently picks the slow Java
 * path when lz4-java is not loaded by the system class loader.
 *
 * <p>Decompression always uses the safe decompressor with the known original length, so corrupt
 * or foreign bytes fail with an exception instead of reading out of bounds. Thread-safe: the
 * compressor and decompressor instances are stateless.
 */
final class Lz4 {

  private static final Logger LOG = LoggerFactory.getLogger(Lz4.class);

  static final Lz4 INSTANCE = create();

  private final LZ4Compressor compressor;
  private final LZ4SafeDecompressor decompressor;
  private final XXHash32 hash;
  private final String implementation;

  private Lz4(LZ4Factory factory, XXHashFactory hashes, String implementation) {
    this.compressor = factory.fastCompressor();
    this.decompressor = factory.safeDecompressor();
    this.hash = hashes.hash32();
    this.implementation = implementation;
  }

  private static Lz4 create() {
    try {
      Lz4 lz4 = new Lz4(LZ4Factory.nativeInstance(), XXHashFactory.nativeInstance(), "native-jni");
      byte[] probe = lz4.compress(new byte[64]);
      lz4.decompress(probe, 0, probe.length, 64);
      lz4.checksum(probe, 0, probe.length);
      LOG.debug("memgov cache: LZ4 uses the native (JNI) implementation");
      return lz4;
    } catch (Throwable e) { // UnsatisfiedLinkError, ExceptionInInitializerError, ...
      if (e instanceof VirtualMachineError && !(e instanceof LinkageError)) {
        throw (VirtualMachineError) e;
      }
      LOG.warn("memgov cache: LZ4 native library did not load ({}); using the pure-Java implementation, "
          + "about a third of the speed", e.toString());
      return new Lz4(LZ4Factory.safeInstance(), XXHashFactory.safeInstance(), "java-safe");
    }
  }

  /** {@code native-jni} or {@code java-safe}. */
  String implementation() {
    return implementation;
  }

  /** xxHash32 of a byte range, to tell corrupt or foreign bytes from a value. */
  int checksum(byte[] b, int off, int len) {
    return hash.hash(b, off, len, 0x6D656D67);
  }

  int maxCompressedLength(int length) {
    return compressor.maxCompressedLength(length);
  }

  /** A raw LZ4 block of {@code src}. */
  byte[] compress(byte[] src) {
    return compressor.compress(src);
  }

  /** Compresses into {@code dest} at {@code destOff}; returns the compressed length. */
  int compress(byte[] src, byte[] dest, int destOff) {
    return compressor.compress(src, 0, src.length, dest, destOff, dest.length - destOff);
  }

  /**
   * Decompresses a block of exactly {@code originalLength} bytes.
   *
   * @throws IllegalArgumentException when the block does not decompress to that length
   */
  byte[] decompress(byte[] src, int off, int len, int originalLength) {
    byte[] out = new byte[originalLength];
    int n = decompressor.decompress(src, off, len, out, 0, originalLength);
    if (n != originalLength) {
      throw new IllegalArgumentException("LZ4 block decompressed to " + n + " bytes, expected " + originalLength);
    }
    return out;
  }
}
