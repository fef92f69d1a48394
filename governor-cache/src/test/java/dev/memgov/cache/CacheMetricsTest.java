package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.Trigger;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CacheMetricsTest {

  @Test
  void metersFollowTheCache() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (var c = GovernedCache.<Integer, String>builder("m", ValueCodec.utf8()).l1Budget(100_000)
        .loader(k -> JsonLike.of(2000, k)).build()) {
      new CacheMetrics(c).bindTo(registry);
      c.get(1);
      c.get(1);
      c.get(2);
      assertThat(registry.get("memgov.cache.gets").tags("cache", "m", "tier", "l1", "result", "hit")
          .functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("memgov.cache.gets").tags("tier", "l1", "result", "miss").functionCounter().count())
          .isEqualTo(2);
      assertThat(registry.get("memgov.cache.loads").tags("result", "success").functionCounter().count()).isEqualTo(2);
      c.settle();
      assertThat(registry.get("memgov.cache.l1.size").gauge().value()).isEqualTo(c.footprintBytes()).isPositive();
      assertThat(registry.get("memgov.cache.l1.budget").tags("budget", "current").gauge().value()).isEqualTo(100_000);
      c.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API));
      assertThat(c.currentBudget()).isLessThan(100_000);
      assertThat(registry.get("memgov.cache.l1.budget").tags("budget", "current").gauge().value())
          .isEqualTo(c.currentBudget());
      assertThat(registry.get("memgov.cache.l1.budget").tags("budget", "configured").gauge().value())
          .isEqualTo(100_000);
      assertThat(registry.get("memgov.cache.compression.saved").functionCounter().count()).isPositive();
      assertThat(registry.find("memgov.cache.l2.errors").meter()).isNull(); // no L2, no L2 meters
    }
  }

  @Test
  void loadSuccessesCountOnlyLoadsThatReturnedSoTheCounterNeverGoesDown() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean fail = new AtomicBoolean(true);
    try (var c = GovernedCache.<Integer, String>builder("m", ValueCodec.utf8()).loader(k -> {
      if (fail.get()) {
        entered.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("db down");
      }
      return "v" + k;
    }).build()) {
      new CacheMetrics(c).bindTo(registry);
      FunctionCounter success = registry.get("memgov.cache.loads").tags("result", "success").functionCounter();
      FunctionCounter failure = registry.get("memgov.cache.loads").tags("result", "failure").functionCounter();
      Thread caller = new Thread(() -> {
        try {
          c.get(1);
        } catch (IllegalStateException expected) {
          // the loader's failure reaches the caller
        }
      });
      caller.start();
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

      // While the loader runs, nothing has succeeded yet
      assertThat(success.count()).isZero();
      assertThat(c.stats().loads()).isEqualTo(1);

      // When it throws: still no success (the counter did not go 1 -> 0), one failure
      release.countDown();
      caller.join(10_000);
      assertThat(success.count()).isZero();
      assertThat(failure.count()).isEqualTo(1);

      // A load that returns counts as a success
      fail.set(false);
      assertThat(c.get(2)).isEqualTo("v2");
      assertThat(success.count()).isEqualTo(1);
      assertThat(c.stats().loadSuccesses()).isEqualTo(1);
      assertThat(c.stats().loads()).isEqualTo(2);
    }
  }
}
