package dev.memgov.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * The tenant's database behind a HikariCP pool: accounts and their orders, created and seeded on
 * start when the tables are empty (H2 in memory by default; any JDBC URL whose driver is on the
 * class path). This class is thread-safe: every call borrows its own connection.
 */
final class TenantDatabase implements AutoCloseable {

  static final String POOL_NAME = "tenant-db";
  private static final int MAX_ACCOUNTS = 10_000;
  private static final int ORDERS_PER_ACCOUNT = 3;
  private static final String[] PLANS = {"free", "team", "business", "enterprise"};

  private static final String LOAD = "SELECT a.id, a.name, a.plan, a.balance_cents, a.version,"
      + " (SELECT COUNT(*) FROM memgov_demo_orders o WHERE o.account_id = a.id),"
      + " (SELECT COALESCE(SUM(o.amount_cents), 0) FROM memgov_demo_orders o WHERE o.account_id = a.id)"
      + " FROM memgov_demo_accounts a WHERE a.id = ?";
  private static final String UPDATE =
      "UPDATE memgov_demo_accounts SET balance_cents = balance_cents + ?, version = version + 1 WHERE id = ?";

  /** One account row with its order totals. */
  record Account(long id, String name, String plan, long balanceCents, long version, long orderCount,
      long orderTotalCents) {}

  private final HikariDataSource dataSource;
  private final int accounts;

  private TenantDatabase(HikariDataSource dataSource, int accounts) {
    this.dataSource = dataSource;
    this.accounts = accounts;
  }

  /**
   * Opens the pool, creates the tables if missing and seeds them if empty.
   *
   * @param metrics Hikari's metrics tracker (Micrometer), or null
   * @throws SQLException with the JDBC URL in the message when the database cannot be reached
   */
  static TenantDatabase open(String jdbcUrl, int poolSize, int keys, MetricsTrackerFactory metrics)
      throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setPoolName(POOL_NAME);
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(poolSize);
    // below the maximum, so idle connections above it can be retired (equal, Hikari never does)
    config.setMinimumIdle(Math.max(1, poolSize / 2));
    config.setIdleTimeout(30_000);
    config.setConnectionTimeout(5_000);
    config.setRegisterMbeans(true);
    if (metrics != null) {
      config.setMetricsTrackerFactory(metrics);
    }
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new SQLException("memgov demo: cannot open the database at " + jdbcUrl + ": " + e.getMessage(), e);
    }
    int accounts = Math.min(keys, MAX_ACCOUNTS);
    try {
      seed(ds, accounts);
    } catch (SQLException | RuntimeException e) {
      ds.close();
      throw new SQLException("memgov demo: cannot prepare the tables at " + jdbcUrl + ": " + e.getMessage(), e);
    }
    return new TenantDatabase(ds, accounts);
  }

  HikariDataSource dataSource() {
    return dataSource;
  }

  /** The account behind cache key {@code key} (keys wrap around the seeded accounts). */
  Account load(long key) throws SQLException {
    long id = accountOf(key);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LOAD)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("memgov demo: account " + id + " is missing from memgov_demo_accounts");
        }
        return new Account(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
            rs.getLong(6), rs.getLong(7));
      }
    }
  }

  /** Adds {@code cents} to the balance of the account behind {@code key} and bumps its version. */
  void update(long key, long cents) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPDATE)) {
      ps.setLong(1, cents);
      ps.setLong(2, accountOf(key));
      ps.executeUpdate();
    }
  }

  private long accountOf(long key) {
    return (key - 1) % accounts + 1;
  }

  private static void seed(HikariDataSource ds, int accounts) throws SQLException {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS memgov_demo_accounts (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL,"
          + " plan VARCHAR(16) NOT NULL, balance_cents BIGINT NOT NULL, version BIGINT NOT NULL)");
      st.execute("CREATE TABLE IF NOT EXISTS memgov_demo_orders (id BIGINT PRIMARY KEY, account_id BIGINT NOT NULL,"
          + " amount_cents BIGINT NOT NULL)");
      st.execute("CREATE INDEX IF NOT EXISTS memgov_demo_orders_account ON memgov_demo_orders (account_id)");
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM memgov_demo_accounts")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return;
        }
      }
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      SplittableRandom random = new SplittableRandom(42);
      try (PreparedStatement a = c.prepareStatement("INSERT INTO memgov_demo_accounts VALUES (?, ?, ?, ?, 0)");
          PreparedStatement o = c.prepareStatement("INSERT INTO memgov_demo_orders VALUES (?, ?, ?)")) {
        for (int id = 1; id <= accounts; id++) {
          a.setLong(1, id);
          a.setString(2, "account-" + id);
          a.setString(3, PLANS[random.nextInt(PLANS.length)]);
          a.setLong(4, random.nextInt(1_000_000));
          a.addBatch();
          for (int j = 0; j < ORDERS_PER_ACCOUNT; j++) {
            o.setLong(1, (long) id * ORDERS_PER_ACCOUNT + j);
            o.setLong(2, id);
            o.setLong(3, 100 + random.nextInt(100_000));
            o.addBatch();
          }
          if (id % 1000 == 0 || id == accounts) {
            a.executeBatch();
            o.executeBatch();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
