package dev.memgov.cache;

import dev.memgov.core.Governable;
import dev.memgov.core.GovernableContractTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The governable contract for a {@link GovernedCache} with a real Redis L2 (spill included). */
class GovernedCacheL2ContractTest extends GovernableContractTest {

  private static TestRedis redis;
  private final List<GovernedCache<?, ?>> created = new ArrayList<>();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = TestRedis.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    new Cleanup().close(redis).done();
  }

  @Override
  protected Governable create() {
    GovernedCache<Integer, String> c = GovernedCache.<Integer, String>builder("contract-l2", ValueCodec.utf8())
        .l1Budget(256 * 1024)
            // the contract restores at once; the restore ceiling hold is GovernedCacheTest's
            .restoreCeilingHold(java.time.Duration.ZERO).redis(redis.uri()).build();
    c.clear(dev.memgov.core.CacheTier.ALL);
    created.add(c);
    return c;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected void fill(Governable g) {
    GovernedCache<Integer, String> c = (GovernedCache<Integer, String>) g;
    for (int i = 0; i < 200; i++) {
      c.put(i, JsonLike.of(1500, i));
    }
    c.settle(); // Caffeine's asynchronous maintenance has weighed the writes
  }

  @AfterEach
  void closeAll() {
    created.forEach(GovernedCache::close);
  }
}
