package dev.memgov.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** Real HikariCP pools over private H2 in-memory databases, for tests. */
public final class H2Pools {

  private static final AtomicInteger SEQ = new AtomicInteger();

  private H2Pools() {}

  /** An unstarted config for a fresh in-memory database (kept open until the JVM exits). */
  public static HikariConfig config(String poolName, int max, int minIdle) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:h2:mem:" + poolName + "-" + SEQ.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    c.setUsername("sa");
    c.setPassword("");
    c.setPoolName(poolName);
    c.setMaximumPoolSize(max);
    c.setMinimumIdle(minIdle);
    c.setConnectionTimeout(5_000);
    return c;
  }

  /** A started pool. */
  public static HikariDataSource started(String poolName, int max, int minIdle) {
    return new HikariDataSource(config(poolName, max, minIdle));
  }

  /** Sessions the H2 database itself has open (server side), from INFORMATION_SCHEMA.SESSIONS. */
  public static int serverSessions(HikariDataSource ds) throws SQLException {
    try (Connection c = DriverManager.getConnection(ds.getJdbcUrl(), "sa", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
      rs.next();
      return rs.getInt(1) - 1; // minus this one
    }
  }

  /** Runs a trivial query on the connection; throws if it is closed. */
  public static int ping(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
