package dev.memgov.benchmarks.squeeze;

import java.util.function.LongFunction;

/** What a contender offers the workload: a read-through get. Implementations are thread-safe. */
interface SqueezeCache extends AutoCloseable {

  byte[] get(long key, LongFunction<byte[]> loader);

  /** Bytes the cache holds now (estimated), or -1 when it cannot tell. */
  long bytes();

  @Override
  void close();
}
