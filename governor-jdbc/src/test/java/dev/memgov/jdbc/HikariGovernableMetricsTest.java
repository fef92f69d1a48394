package dev.memgov.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.Trigger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HikariGovernableMetricsTest {

  @Test
  void publishesPoolSizeAndBudgetPerPool() throws Exception {
    try (HikariDataSource ds = H2Pools.started("metrics", 6, 6)) {
      HikariGovernable pool = HikariGovernable.builder(ds).floor(2).build();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new HikariGovernableMetrics(pool).bindTo(registry);
      await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getTotalConnections() == 6);

      try (Connection c = ds.getConnection()) {
        assertThat(gauge(registry, HikariGovernableMetrics.CONNECTIONS, "state", "active")).isEqualTo(1);
        assertThat(gauge(registry, HikariGovernableMetrics.CONNECTIONS, "state", "idle")).isEqualTo(5);
        assertThat(gauge(registry, HikariGovernableMetrics.CONNECTIONS, "state", "total")).isEqualTo(6);
      }
      assertThat(gauge(registry, HikariGovernableMetrics.BUDGET, "budget", "current")).isEqualTo(6);

      pool.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));

      assertThat(gauge(registry, HikariGovernableMetrics.BUDGET, "budget", "current")).isEqualTo(2);
      assertThat(gauge(registry, HikariGovernableMetrics.BUDGET, "budget", "configured")).isEqualTo(6);
      assertThat(gauge(registry, HikariGovernableMetrics.BUDGET, "budget", "floor")).isEqualTo(2);
      assertThat(gauge(registry, HikariGovernableMetrics.CONNECTIONS, "state", "total")).isEqualTo(2);
      assertThat(registry.get(HikariGovernableMetrics.BUDGET).tag("governable", "hikari:metrics").gauges()).hasSize(3);
    }
  }

  private static double gauge(SimpleMeterRegistry registry, String name, String tag, String value) {
    return registry.get(name).tag("governable", "hikari:metrics").tag(tag, value).gauge().value();
  }
}
