package dev.memgov.benchmarks.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.internal.DefaultMemoryGovernor;
import dev.memgov.core.sensor.MemorySensor;
import dev.memgov.jdbc.HikariGovernable;
import java.time.Duration;
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
 * size, and the next round. The cleanup and the restore are run by a real governor fed scripted
 * snapshots: the snapshot turns EMERGENCY and one governor tick runs ({@code tickNow()}, timer
 * off, so the time is the cleanup's, not a tick interval's); then NORMAL, and ticks restore in
 * 25 % steps.
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
    String cold = "";
    Scripted sensor = new Scripted();
    try (HikariDataSource ds = new HikariDataSource(c);
        MemoryGovernor governor = governor(sensor, HikariGovernable.builder(ds).floor(FLOOR).build())) {
      HikariGovernable pool = (HikariGovernable) governor.governables().get(0);
      DefaultMemoryGovernor ticker = (DefaultMemoryGovernor) governor;
      governor.start();
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
          String inside = "";
          if (governed) {
            sensor.ratio = 0.95;
            ticker.tickNow();
            CleanupReport r = last(governor);
            if (r == null || r.level() != CleanupLevel.EMERGENCY) {
              throw new IllegalStateException("expected an emergency cleanup, got " + r);
            }
            inside = String.format(Locale.ROOT, " (cleanup %.2f ms, pool's reclaim %.2f ms)",
                r.durationNanos() / 1e6, r.outcomes().get(0).durationNanos() / 1e6);
          } else {
            ds.getHikariConfigMXBean().setMinimumIdle(FLOOR);
            ds.getHikariConfigMXBean().setMaximumPoolSize(FLOOR);
          }
          long t1 = System.nanoTime();
          long tPool = waitUntil(() -> ds.getHikariPoolMXBean().getTotalConnections() <= FLOOR, WAIT_LIMIT_NANOS);
          long tServer = waitUntil(() -> server(ds, mode) <= FLOOR, WAIT_LIMIT_NANOS);
          if (tPool < 0 || tServer < 0) {
            notReached++;
          } else if (round == 0) {
            cold = String.format(Locale.ROOT, "cold round 1: pool at floor %.1f ms, server at floor %.1f ms; ",
                (tPool - t0) / 1e6, (tServer - t0) / 1e6);
          } else {
            callMs.add((t1 - t0) / 1e6);
            poolMs.add((tPool - t0) / 1e6);
            serverMs.add((tServer - t0) / 1e6);
          }
          long okAtFloor = load.ok.get();
          long floorStart = System.nanoTime();
          waitUntil(() -> false, 500_000_000L); // half a second after, under load
          double afterQps = (load.ok.get() - okAtFloor) / ((System.nanoTime() - floorStart) / 1e9);

          if (governed) {
            sensor.ratio = 0.5;
            for (int i = 0; i < 100 && pool.currentBudget() < MAX; i++) {
              ticker.tickNow();
            }
          } else {
            ds.getHikariConfigMXBean().setMaximumPoolSize(MAX);
            ds.getHikariConfigMXBean().setMinimumIdle(MAX);
          }
          System.out.printf(Locale.ROOT,
              "%-11s round %2d: call %7.2f ms%s, pool at floor %s, server at floor %s; queries/s %5.0f before, %5.0f after%n",
              mode, round + 1, (t1 - t0) / 1e6, inside, ms(tPool, t0), ms(tServer, t0), fullQps, afterQps);
        }
      } finally {
        load.stop();
      }
      System.out.printf(Locale.ROOT,
          "%-11s summary: rounds %d, at floor within 5 s: %d; %srounds 2-%d: time to pool at floor ms median %s max %s, "
              + "to server at floor ms median %s max %s, cleanup call ms median %s; queries ok %d, failed %d%s%n",
          mode, rounds, rounds - notReached, cold, rounds, median(poolMs), max(poolMs), median(serverMs), max(serverMs),
          median(callMs), load.ok.get(), load.failed.get(), load.firstFailure == null ? "" : " (first: " + load.firstFailure + ")");
    }
  }

  /** A governor on the system clock: no timer (ticks by {@code tickNow()}), no calm wait, no cooldown. */
  private static MemoryGovernor governor(MemorySensor sensor, HikariGovernable pool) {
    GovernorPolicy policy = GovernorPolicy.builder()
        .timerTriggerEnabled(false)
        .gcTriggerEnabled(false)
        .settleWindow(Duration.ZERO)
        .calmWindow(Duration.ZERO)
        .cooldown(CleanupLevel.EMERGENCY, Duration.ZERO)
        .restoreStepPercent(25)
        .build();
    return MemoryGovernor.builder().name("jdbc-bench").sensor(sensor).policy(policy)
        .jmxEnabled(false).jvmGovernable(false).governable(pool).build();
  }

  private static CleanupReport last(MemoryGovernor governor) {
    List<CleanupReport> r = governor.status().recentCleanups();
    return r.isEmpty() ? null : r.get(r.size() - 1);
  }

  /** Scripted snapshots: the live heap after GC as a share of the maximum. */
  private static final class Scripted implements MemorySensor {
    volatile double ratio = 0.5;

    @Override
    public MemorySnapshot sample() {
      long max = 1L << 30;
      long live = (long) (max * ratio);
      return MemorySnapshot.builder().time(System.currentTimeMillis(), System.nanoTime())
          .heap(live, max, max).oldGenAfterGc(live).build();
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
