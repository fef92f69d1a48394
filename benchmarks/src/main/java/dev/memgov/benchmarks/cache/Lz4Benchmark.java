package dev.memgov.benchmarks.cache;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * LZ4 per value on JSON-like values of 1, 4 and 64 KiB (one value per call): raw LZ4 block
 * compress / decompress, native (JNI) and pure Java, and the cache's L2 stored form (header +
 * xxHash32 + LZ4 block) written and read. Throughput in ops/s; MB/s = ops/s × size.
 * 16 different values per size rotate so the CPU cache does not see one value only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Lz4Benchmark {

  static final MethodHandle STORED_WRITE;
  static final MethodHandle STORED_READ;

  static {
    try {
      Class<?> sf = Class.forName("dev.memgov.cache.StoredForm");
      Method w = sf.getDeclaredMethod("write", byte[].class, int.class);
      Method r = sf.getDeclaredMethod("read", byte[].class);
      w.setAccessible(true);
      r.setAccessible(true);
      STORED_WRITE = MethodHandles.lookup().unreflect(w);
      STORED_READ = MethodHandles.lookup().unreflect(r);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Param({"1024", "4096", "65536"})
  int size;

  byte[][] values;
  byte[][] nativeBlocks;
  byte[][] stored;
  byte[] out;
  byte[] back;
  int i;
  LZ4Compressor nativeC = LZ4Factory.nativeInstance().fastCompressor();
  LZ4SafeDecompressor nativeD = LZ4Factory.nativeInstance().safeDecompressor();
  LZ4Compressor javaC = LZ4Factory.safeInstance().fastCompressor();
  LZ4SafeDecompressor javaD = LZ4Factory.safeInstance().safeDecompressor();

  @Setup(Level.Trial)
  public void setUp() throws Throwable {
    values = new byte[16][];
    nativeBlocks = new byte[16][];
    stored = new byte[16][];
    for (int k = 0; k < 16; k++) {
      values[k] = JsonValues.bytes(size, k * 7919L + size);
      nativeBlocks[k] = nativeC.compress(values[k]);
      stored[k] = (byte[]) STORED_WRITE.invokeExact(values[k], 1024);
    }
    out = new byte[nativeC.maxCompressedLength(size)];
    back = new byte[size];
  }

  private int next() {
    return i = (i + 1) & 15;
  }

  @Benchmark
  public int compressNative() {
    byte[] v = values[next()];
    return nativeC.compress(v, 0, v.length, out, 0, out.length);
  }

  @Benchmark
  public int decompressNative() {
    byte[] b = nativeBlocks[next()];
    return nativeD.decompress(b, 0, b.length, back, 0, size);
  }

  @Benchmark
  public int compressJava() {
    byte[] v = values[next()];
    return javaC.compress(v, 0, v.length, out, 0, out.length);
  }

  @Benchmark
  public int decompressJava() {
    byte[] b = nativeBlocks[next()];
    return javaD.decompress(b, 0, b.length, back, 0, size);
  }

  @Benchmark
  public byte[] storedFormWrite() throws Throwable {
    return (byte[]) STORED_WRITE.invokeExact(values[next()], 1024);
  }

  @Benchmark
  public byte[] storedFormRead() throws Throwable {
    return (byte[]) STORED_READ.invokeExact(stored[next()]);
  }
}
