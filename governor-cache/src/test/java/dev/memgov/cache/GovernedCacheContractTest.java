package dev.memgov.cache;

import dev.memgov.core.Governable;
import dev.memgov.core.GovernableContractTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The governable contract for an L1-only {@link GovernedCache}. */
class GovernedCacheContractTest extends GovernableContractTest {

  private final List<GovernedCache<?, ?>> created = new ArrayList<>();

  @Override
  protected Governable create() {
    GovernedCache<Integer, String> c =
        GovernedCache.<Integer, String>builder("contract", ValueCodec.utf8()).l1Budget(256 * 1024)
            // the contract restores at once; the restore ceiling hold is GovernedCacheTest's
            .restoreCeilingHold(java.time.Duration.ZERO).build();
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
