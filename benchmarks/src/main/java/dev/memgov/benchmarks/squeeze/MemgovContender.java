package dev.memgov.benchmarks.squeeze;

import dev.memgov.cache.GovernedCache;
import dev.memgov.cache.ValueCodec;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import java.util.function.LongFunction;

/**
 * The memgov contender: a {@link GovernedCache} (L1 budget as given, optional Redis L2) registered
 * with a started {@link MemoryGovernor} on the default policy, exactly as a user would wire it.
 */
final class MemgovContender implements SqueezeCache {
  private static final ThreadLocal<LongFunction<byte[]>> LOADER = new ThreadLocal<>();

  private final GovernedCache<Long, byte[]> cache;
  private final MemoryGovernor governor;

  private MemgovContender(GovernedCache<Long, byte[]> cache, MemoryGovernor governor) {
    this.cache = cache;
    this.governor = governor;
  }

  static SqueezeCache create(Workload w, long l1Budget, String redisUri) {
    var builder = GovernedCache.<Long, byte[]>builder("squeeze", ValueCodec.bytes())
        .l1Budget(l1Budget)
        .loader(k -> LOADER.get().apply(k));
    if (redisUri != null) {
      builder.redis(redisUri);
    }
    GovernedCache<Long, byte[]> cache = builder.build();
    MemoryGovernor governor = MemoryGovernor.builder()
        .name("squeeze")
        .policy(GovernorPolicy.fromEnvironment(System.getenv()))
        .governable(cache)
        .jmxEnabled(false)
        .build();
    governor.start();
    return new MemgovContender(cache, governor);
  }

  @Override
  public byte[] get(long key, LongFunction<byte[]> loader) {
    LOADER.set(loader);
    return cache.get(key);
  }

  @Override
  public long bytes() {
    return cache.footprintBytes();
  }

  @Override
  public void close() {
    governor.close();
    cache.close();
  }
}
