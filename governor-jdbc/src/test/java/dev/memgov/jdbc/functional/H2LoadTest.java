package dev.memgov.jdbc.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.Trigger;
import dev.memgov.jdbc.H2Pools;
import dev.memgov.jdbc.HikariGovernable;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PostgreSQL load scenario in small, on H2 in memory, so every build runs it: 8 threads of
 * queries, emergency to the floor and back, no query fails.
 */
class H2LoadTest {

  @ParameterizedTest(name = "minimumIdle {0}")
  @ValueSource(ints = {10, 0})
  void underLoadThePoolGoesToTheFloorAndBackWithoutAFailedQuery(int minIdle) throws Exception {
    try (HikariDataSource ds = H2Pools.started("h2-load", 10, minIdle)) {
      HikariGovernable pool = HikariGovernable.adopt(ds);
      QueryLoad load = new QueryLoad(ds, 8, "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 2000)");
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> H2Pools.serverSessions(ds) >= 8 && load.ok() > 100);

        pool.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
        await().atMost(Duration.ofSeconds(5)).until(() -> H2Pools.serverSessions(ds) == 1);
        long okAtFloor = load.ok();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> H2Pools.serverSessions(ds) <= 1);
        assertThat(load.ok()).isGreaterThan(okAtFloor);

        while (!pool.restore(new RestoreRequest(25)).atConfigured()) {
          // steps
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> H2Pools.serverSessions(ds) >= 8);
      } finally {
        load.close();
      }
      assertThat(load.failed()).as("failed queries, first: %s", load.failures()).isZero();
    }
  }
}
