package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.Trigger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
      assertThat(registry.get("memgov.cache.l1.size").gauge().value()).isEqualTo(c.footprintBytes()).isPositive();
      assertThat(registry.get("memgov.cache.l1.budget").tags("budget", "current").gauge().value()).isEqualTo(100_000);
      c.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API));
      assertThat(registry.get("memgov.cache.l1.budget").tags("budget", "current").gauge().value()).isEqualTo(25_000);
      assertThat(registry.get("memgov.cache.l1.budget").tags("budget", "configured").gauge().value())
          .isEqualTo(100_000);
      assertThat(registry.get("memgov.cache.compression.saved").functionCounter().count()).isPositive();
      assertThat(registry.find("memgov.cache.l2.errors").meter()).isNull(); // no L2, no L2 meters
    }
  }
}
