package dev.memgov.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.memgov.core.Governable;
import dev.memgov.core.GovernableContractTest;
import java.util.ArrayList;
import java.util.List;

/** The governable contract for an adopted, weight-bounded Caffeine cache. */
class CaffeineGovernableContractTest extends GovernableContractTest {

  // the governable holds its cache weakly: keep the caches alive for the test
  private final List<Cache<Integer, byte[]>> caches = new ArrayList<>();

  @Override
  protected Governable create() {
    Cache<Integer, byte[]> cache = Caffeine.newBuilder().maximumWeight(200_000)
        .<Integer, byte[]>weigher((k, v) -> v.length).executor(Runnable::run).build();
    caches.add(cache);
    return CaffeineGovernable.adopt("adopted", cache);
  }

  @Override
  protected void fill(Governable g) {
    Cache<Integer, byte[]> cache = caches.get(caches.size() - 1);
    for (int i = 0; i < 150; i++) {
      cache.put(i, new byte[1000]);
    }
  }
}
