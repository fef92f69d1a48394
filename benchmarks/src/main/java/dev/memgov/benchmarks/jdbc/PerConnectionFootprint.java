package dev.memgov.benchmarks.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures this JVM's memory per pooled connection, to ground {@code
 * HikariGovernable.DEFAULT_PER_CONNECTION_BYTES}: heap after full GC and RSS, with no pool and
 * with a pool of {@code n} connections that each ran a few distinct prepared statements (so the
 * driver's statement cache holds something).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.memgov.benchmarks.jdbc.PerConnectionFootprint [jdbcUrl] [n]
 * </pre>
 */
public final class PerConnectionFootprint {

  private static final int STATEMENTS = Integer.getInteger("memgov.statements", 20);

  public static void main(String[] args) throws Exception {
    String env = System.getenv("MEMGOV_TEST_POSTGRES_URL");
    String url = args.length > 0 ? args[0] : (env != null && !env.isBlank() ? env : "jdbc:h2:mem:footprint;DB_CLOSE_DELAY=-1");
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    boolean postgres = url.startsWith("jdbc:postgresql:");

    // warm the classes with a pool of one, then measure the empty state
    measureWith(url, 1, postgres);
    long heap0 = heapAfterGc();
    long rss0 = rss();
    HikariDataSource ds = measureWith(url, n, postgres);
    long heapN = heapAfterGc();
    long rssN = rss();
    System.out.printf(Locale.ROOT, "url=%s n=%d statements=%d jdk=%s%n", url, n, STATEMENTS, System.getProperty("java.version"));
    System.out.printf(Locale.ROOT, "heap after GC: %d KiB -> %d KiB: %.1f KiB per connection%n",
        heap0 / 1024, heapN / 1024, (heapN - heap0) / 1024.0 / n);
    System.out.printf(Locale.ROOT, "RSS: %d KiB -> %d KiB: %.1f KiB per connection%n",
        rss0 / 1024, rssN / 1024, (rssN - rss0) / 1024.0 / n);
    ds.close();
  }

  /** A started pool of exactly n connections, each having run STATEMENTS (property memgov.statements, default 20) distinct statements 6 times. */
  private static HikariDataSource measureWith(String url, int n, boolean postgres) throws Exception {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setMaximumPoolSize(n);
    c.setMinimumIdle(n);
    if (!postgres) {
      c.setUsername("sa");
    }
    HikariDataSource ds = new HikariDataSource(c);
    List<Connection> held = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Connection conn = ds.getConnection();
      held.add(conn);
      for (int q = 0; q < STATEMENTS; q++) {
        for (int rep = 0; rep < 6; rep++) {
          try (PreparedStatement ps = conn.prepareStatement("SELECT ? + " + q + " AS v" + q)) {
            ps.setInt(1, rep);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
            }
          }
        }
      }
    }
    for (Connection conn : held) {
      conn.close();
    }
    if (n == 1) {
      ds.close();
    }
    return ds;
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long rss() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }
}
