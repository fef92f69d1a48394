package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.memgov.core.CacheTier;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.Trigger;
import org.junit.jupiter.api.Test;

class CaffeineGovernableTest {

  private static Cache<Integer, byte[]> weighted(long max) {
    return Caffeine.newBuilder().maximumWeight(max).<Integer, byte[]>weigher((k, v) -> v.length)
        .executor(Runnable::run).build();
  }

  @Test
  void governsAWeightedCacheByBytes() {
    Cache<Integer, byte[]> cache = weighted(100_000);
    for (int i = 0; i < 90; i++) {
      cache.put(i, new byte[1000]);
    }
    CaffeineGovernable g = CaffeineGovernable.adopt("adopted", cache);
    assertThat(g.budgetUnit()).isEqualTo("bytes");
    assertThat(g.footprintBytes()).isEqualTo(90_000);
    ReclaimResult r = g.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API));
    assertThat(r.action()).startsWith("budget 100000 -> 50000 bytes");
    assertThat(cache.policy().eviction().orElseThrow().getMaximum()).isEqualTo(50_000);
    assertThat(g.footprintBytes()).isLessThanOrEqualTo(50_000);
    g.restore(new RestoreRequest(50));
    assertThat(g.currentBudget()).isEqualTo(100_000);
    assertThat(cache.policy().eviction().orElseThrow().getMaximum()).isEqualTo(100_000);
  }

  @Test
  void governsASizeBoundedCacheInEntries() {
    Cache<Integer, String> cache = Caffeine.newBuilder().maximumSize(100).executor(Runnable::run).build();
    for (int i = 0; i < 100; i++) {
      cache.put(i, "v");
    }
    CaffeineGovernable g = CaffeineGovernable.adopt("sized", cache, 100);
    assertThat(g.budgetUnit()).isEqualTo("entries");
    assertThat(g.footprintBytes()).isEqualTo(100 * 100);
    g.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API));
    assertThat(cache.estimatedSize()).isEqualTo(25);
  }

  @Test
  void anUnboundedCacheIsOnlyClearedAtEmergency() {
    Cache<Integer, String> cache = Caffeine.newBuilder().build();
    cache.put(1, "a");
    CaffeineGovernable g = CaffeineGovernable.adopt("unbounded", cache);
    assertThat(g.state()).contains("unbounded");
    assertThat(g.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API)).changed()).isFalse();
    assertThat(cache.estimatedSize()).isEqualTo(1);
    assertThat(g.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API)).action())
        .isEqualTo("cleared 1 entries");
    assertThat(cache.asMap()).isEmpty();
  }

  @Test
  void clearL1RemovesEverything() {
    Cache<Integer, byte[]> cache = weighted(10_000);
    cache.put(1, new byte[10]);
    var r = CaffeineGovernable.adopt("c", cache).clear(CacheTier.ALL);
    assertThat(r.l1Entries()).isEqualTo(1);
    assertThat(r.l1Bytes()).isEqualTo(10);
    assertThat(cache.asMap()).isEmpty();
  }

  @Test
  void badArgumentsAreRejected() {
    assertThatThrownBy(() -> CaffeineGovernable.adopt(" ", Caffeine.newBuilder().build()))
        .hasMessage("name must not be blank, but was ' '");
    assertThatThrownBy(() -> CaffeineGovernable.adopt("x", Caffeine.newBuilder().build(), 0))
        .hasMessage("bytesPerEntry must be at least 1, but was 0");
  }
}
