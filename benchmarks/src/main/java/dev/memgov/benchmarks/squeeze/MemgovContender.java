package dev.memgov.benchmarks.squeeze;

import java.util.function.LongFunction;

/** Placeholder: wired to GovernedCache once governor-cache lands. */
final class MemgovContender {
  private MemgovContender() {}

  static SqueezeCache create(Workload w, long l1Budget, String redisUri) {
    throw new UnsupportedOperationException("governor-cache not merged yet");
  }

  static LongFunction<byte[]> unused() {
    return null;
  }
}
