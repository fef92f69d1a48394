package dev.memgov.jdbc.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.Trigger;
import dev.memgov.jdbc.HikariGovernable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a real PostgreSQL server (URL in env {@code MEMGOV_TEST_POSTGRES_URL}, e.g. {@code
 * jdbc:postgresql://127.0.0.1:55432/postgres?user=postgres}; skipped with a printed reason
 * without it): under 8 threads of queries, an emergency cleanup takes this pool's backends in
 * {@code pg_stat_activity} down to the floor, restoring brings them back, and no query fails.
 */
class PostgresLoadTest {

  static final String URL_ENV = "MEMGOV_TEST_POSTGRES_URL";
  private static volatile boolean reasonPrinted;

  private static String url;
  private String app;
  private HikariDataSource ds;
  private Connection monitor;

  /** The server's URL, or skips the test with a printed reason. */
  static String postgresUrlOrSkip(String test) {
    String url = System.getenv(URL_ENV);
    if ((url == null || url.isBlank()) && !reasonPrinted) {
      reasonPrinted = true;
      System.out.println(test + " skipped: env " + URL_ENV
          + " is not set (a JDBC URL of a PostgreSQL server, e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres; .ci/run sets it)");
    }
    Assumptions.assumeTrue(url != null && !url.isBlank(), URL_ENV + " is not set");
    return url;
  }

  @BeforeEach
  void pool() throws SQLException {
    url = postgresUrlOrSkip("PostgresLoadTest");
    app = "memgov-jdbc-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setPoolName("pg-load");
    c.setMaximumPoolSize(10);
    c.setMinimumIdle(10);
    c.setConnectionTimeout(10_000);
    c.addDataSourceProperty("ApplicationName", app);
    ds = new HikariDataSource(c);
    monitor = DriverManager.getConnection(url);
  }

  @AfterEach
  void close() throws SQLException {
    if (ds != null) {
      ds.close();
    }
    if (monitor != null) {
      monitor.close();
    }
  }

  /** This pool's backends on the server. */
  private int backends() throws SQLException {
    try (PreparedStatement ps = monitor.prepareStatement(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
      ps.setString(1, app);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void underLoadEmergencyTakesBackendsToTheFloorAndRestoreBringsThemBackWithoutAFailedQuery() throws Exception {
    HikariGovernable pool = HikariGovernable.adopt(ds);
    QueryLoad load = new QueryLoad(ds, 8, "SELECT pg_sleep(0.002), count(*) FROM generate_series(1, 200)");
    try {
      // Given 8 threads querying a pool of 10
      await().atMost(Duration.ofSeconds(10)).until(() -> backends() == 10 && load.ok() > 100);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> backends() == 10);

      // When an emergency cleanup runs
      long start = System.nanoTime();
      String action = pool.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API)).action();

      // Then the server sees this pool's backends fall to the floor and stay there under the load
      await().atMost(Duration.ofSeconds(5)).until(() -> backends() == 1);
      System.out.printf("PostgresLoadTest: %s; backends 10 -> 1 in %.1f ms%n", action, (System.nanoTime() - start) / 1e6);
      long okAtFloor = load.ok();
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> backends() <= 1);
      assertThat(load.ok()).as("queries keep running at the floor").isGreaterThan(okAtFloor + 50);

      // When pressure is gone and the pool restores in steps
      while (!pool.restore(new RestoreRequest(25)).atConfigured()) {
        assertThat(ds.getMaximumPoolSize()).isLessThan(10);
      }

      // Then the backends come back with the load (8 threads need 8)
      await().atMost(Duration.ofSeconds(10)).until(() -> backends() >= 8);
      long okRestored = load.ok();
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> backends() >= 8);
      assertThat(load.ok()).isGreaterThan(okRestored + 200);
    } finally {
      load.close();
      System.out.println("PostgresLoadTest: " + load.ok() + " queries ok, " + load.failed() + " failed; pool " + pool.state());
    }
    assertThat(load.failed()).as("failed queries, first: %s", load.failures()).isZero();
  }

  @Test
  void theLoadCountsAFailedQuery() throws Exception {
    // guards the zero-failures assertion above: a query that fails is counted
    try (QueryLoad load = new QueryLoad(ds, 2, "SELECT no_such_column")) {
      await().atMost(Duration.ofSeconds(5)).until(() -> load.failed() > 0);
    }
  }
}
