package dev.memgov.benchmarks.jdbc;

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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario: a HikariCP pool of 10 under a closed-loop query load of 8 threads; an emergency
 * cleanup; how long until the pool is at its floor, both in HikariCP's count and in the server's
 * {@code pg_stat_activity}, and how many queries failed. Then a restore back to the configured
 * size, and the next round.
 *
 * <p>Side by side, in the same run, the same rounds done the way HikariCP offers out of the box
 * ({@code HikariConfigMXBean.setMaximumPoolSize/setMinimumIdle} only, no eviction), to show what
 * soft eviction buys.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.memgov.benchmarks.jdbc.PoolShrinkScenario \
 *   [jdbcUrl] [rounds] [threads]
 * </pre>
 *
 * The URL defaults to env {@code MEMGOV_TEST_POSTGRES_URL}; without it, H2 in memory (then the
 * server count is H2's INFORMATION_SCHEMA.SESSIONS).
 */
public final class PoolShrinkScenario {

  private static final int MAX = 10;
  private static final int FLOOR = 1;
  private static final long WAIT_LIMIT_NANOS = 5_000_000_000L;

  private final String url;
  private final boolean postgres;
  private final String app = "memgov-bench-" + ProcessHandle.current().pid();
  private final Connection monitor;

  private PoolShrinkScenario(String url) throws SQLException {
    this.url = url;
    this.postgres = url.startsWith("jdbc:postgresql:");
    this.monitor = postgres ? DriverManager.getConnection(url) : null;
  }

  public static void main(String[] args) throws Exception {
    String env = System.getenv("MEMGOV_TEST_POSTGRES_URL");
    String url = args.length > 0 ? args[0] : (env != null && !env.isBlank() ? env : "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    PoolShrinkScenario s = new PoolShrinkScenario(url);
    System.out.printf(Locale.ROOT, "url=%s rounds=%d threads=%d max=%d floor=%d jdk=%s cores=%d%n",
        url.replaceAll("password=[^&]*", "password=***"), rounds, threads, MAX, FLOOR,
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    s.run("memgov", rounds, threads, true);
    s.run("hikari-only", Math.min(rounds, 3), threads, false);
    if (s.monitor != null) {
      s.monitor.close();
    }
  }

  private void run(String mode, int rounds, int threads, boolean governed) throws Exception {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setPoolName("bench-" + mode);
    c.setMaximumPoolSize(MAX);
    c.setMinimumIdle(MAX);
    c.setConnectionTimeout(30_000);
    if (postgres) {
      c.addDataSourceProperty("ApplicationName", app + "-" + mode);
    } else {
      c.setUsername("sa");
    }
    String sql = postgres
        ? "SELECT pg_sleep(0.002), count(*) FROM generate_series(1, 200)"
        : "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 2000)";
    List<Double> callMs = new ArrayList<>();
    List<Double> poolMs = new ArrayList<>();
    List<Double> serverMs = new ArrayList<>();
    int notReached = 0;
    try (HikariDataSource ds = new HikariDataSource(c)) {
      HikariGovernable pool = HikariGovernable.builder(ds).floor(FLOOR).build();
      Load load = new Load(ds, threads, sql);
      try {
        for (int round = 0; round < rounds; round++) {
          // full again: every thread holds its own connection and the server sees them
          waitUntil(() -> server(ds, mode) >= threads && ds.getHikariPoolMXBean().getTotalConnections() >= threads, 30_000_000_000L);
          long okBefore = load.ok.get();
          long beforeStart = System.nanoTime();
          waitUntil(() -> false, 500_000_000L); // half a second at full size, under load
          double fullQps = (load.ok.get() - okBefore) / ((System.nanoTime() - beforeStart) / 1e9);

          long t0 = System.nanoTime();
          if (governed) {
            pool.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
          } else {
            ds.getHikariConfigMXBean().setMinimumIdle(FLOOR);
            ds.getHikariConfigMXBean().setMaximumPoolSize(FLOOR);
          }
          long t1 = System.nanoTime();
          long tPool = waitUntil(() -> ds.getHikariPoolMXBean().getTotalConnections() <= FLOOR, WAIT_LIMIT_NANOS);
          long tServer = waitUntil(() -> server(ds, mode) <= FLOOR, WAIT_LIMIT_NANOS);
          callMs.add((t1 - t0) / 1e6);
          if (tPool < 0 || tServer < 0) {
            notReached++;
          } else {
            poolMs.add((tPool - t0) / 1e6);
            serverMs.add((tServer - t0) / 1e6);
          }
          long okAtFloor = load.ok.get();
          long floorStart = System.nanoTime();
          waitUntil(() -> false, 500_000_000L); // half a second after, under load
          double afterQps = (load.ok.get() - okAtFloor) / ((System.nanoTime() - floorStart) / 1e9);

          if (governed) {
            while (!pool.restore(new RestoreRequest(25)).atConfigured()) {
              // steps
            }
          } else {
            ds.getHikariConfigMXBean().setMaximumPoolSize(MAX);
            ds.getHikariConfigMXBean().setMinimumIdle(MAX);
          }
          System.out.printf(Locale.ROOT,
              "%-11s round %2d: call %7.2f ms, pool at floor %s, server at floor %s; queries/s %5.0f before, %5.0f after%n",
              mode, round + 1, (t1 - t0) / 1e6, ms(tPool, t0), ms(tServer, t0), fullQps, afterQps);
        }
      } finally {
        load.stop();
      }
      System.out.printf(Locale.ROOT,
          "%-11s summary: rounds %d, at floor within 5 s: %d; time to pool at floor ms median %s max %s; "
              + "to server at floor ms median %s max %s; cleanup call ms median %s; queries ok %d, failed %d%s%n",
          mode, rounds, rounds - notReached, median(poolMs), max(poolMs), median(serverMs), max(serverMs),
          median(callMs), load.ok.get(), load.failed.get(), load.firstFailure == null ? "" : " (first: " + load.firstFailure + ")");
    }
  }

  private int server(HikariDataSource ds, String mode) throws SQLException {
    if (!postgres) {
      try (Connection c = DriverManager.getConnection(url, "sa", "");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
        rs.next();
        return rs.getInt(1) - 1;
      }
    }
    try (PreparedStatement ps = monitor.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
      ps.setString(1, app + "-" + mode);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  /** Polls every 1 ms; returns the nanoTime it first held, or -1 after {@code limitNanos}. */
  private static long waitUntil(Check check, long limitNanos) throws Exception {
    long start = System.nanoTime();
    while (System.nanoTime() - start < limitNanos) {
      if (check.ok()) {
        return System.nanoTime();
      }
      Thread.sleep(1);
    }
    return -1;
  }

  private static String ms(long t, long t0) {
    return t < 0 ? "not within 5 s" : String.format(Locale.ROOT, "%7.1f ms", (t - t0) / 1e6);
  }

  private static String median(List<Double> xs) {
    if (xs.isEmpty()) {
      return "-";
    }
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double m = a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    return String.format(Locale.ROOT, "%.1f", m);
  }

  private static String max(List<Double> xs) {
    return xs.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", xs.stream().mapToDouble(Double::doubleValue).max().getAsDouble());
  }

  /** Closed-loop load: each thread borrows, runs one query, returns, again. */
  private static final class Load {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    volatile String firstFailure;
    volatile boolean running = true;
    final Thread[] threads;

    Load(HikariDataSource ds, int n, String sql) {
      threads = new Thread[n];
      for (int i = 0; i < n; i++) {
        threads[i] = new Thread(() -> {
          while (running) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
              while (rs.next()) {
                // read
              }
              ok.incrementAndGet();
            } catch (SQLException | RuntimeException e) {
              if (failed.incrementAndGet() == 1) {
                firstFailure = e.toString();
              }
            }
          }
        }, "load-" + i);
        threads[i].setDaemon(true);
        threads[i].start();
      }
    }

    void stop() throws InterruptedException {
      running = false;
      for (Thread t : threads) {
        t.join(30_000);
      }
    }
  }
}
