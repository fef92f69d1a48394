package dev.memgov.benchmarks.cache;

import java.lang.reflect.Method;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * Prints compression ratios for JSON-like values of 256 B to 64 KiB: raw LZ4 block (native and
 * pure Java) and the cache's L2 stored form, averaged over 64 values per size, and the stored
 * form's size relative to raw LZ4. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.memgov.benchmarks.cache.Lz4Ratios}.
 */
public final class Lz4Ratios {
  private Lz4Ratios() {}

  public static void main(String[] args) throws Exception {
    Class<?> sf = Class.forName("dev.memgov.cache.StoredForm");
    Method write = sf.getDeclaredMethod("write", byte[].class, int.class);
    write.setAccessible(true);
    LZ4Compressor nat = LZ4Factory.nativeInstance().fastCompressor();
    LZ4Compressor java = LZ4Factory.safeInstance().fastCompressor();
    System.out.printf("lz4 in the cache: %s%n", dev.memgov.cache.GovernedCache.lz4Implementation());
    System.out.printf("%8s %12s %12s %12s %14s%n", "size", "raw-native", "raw-java", "stored-form", "stored/raw");
    for (int size : new int[] {256, 512, 768, 1024, 2048, 4096, 16384, 65536}) {
      long orig = 0;
      long rn = 0;
      long rj = 0;
      long st = 0;
      for (int k = 0; k < 64; k++) {
        byte[] v = JsonValues.bytes(size, k * 7919L + size);
        orig += v.length;
        rn += nat.compress(v).length;
        rj += java.compress(v).length;
        st += ((byte[]) write.invoke(null, v, 1)).length;
      }
      System.out.printf("%8d %11.2fx %11.2fx %11.2fx %13.3f%n", size, (double) orig / rn, (double) orig / rj,
          (double) orig / st, (double) st / rn);
    }
  }
}
