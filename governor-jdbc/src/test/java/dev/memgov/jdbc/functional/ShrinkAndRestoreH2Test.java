package dev.memgov.jdbc.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import dev.memgov.core.Trigger;
import dev.memgov.jdbc.H2Pools;
import dev.memgov.jdbc.HikariGovernable;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shrink, soft-evict and restore on real HikariCP pools over H2 in memory, called directly. */
class ShrinkAndRestoreH2Test {
  /** Restore loops give up here: a restore that never reaches the configured sizes fails, not hangs. */
  static final int MAX_RESTORE_STEPS = 100;

  private final List<HikariDataSource> pools = new ArrayList<>();

  @AfterEach
  void closePools() {
    pools.forEach(HikariDataSource::close);
  }

  private HikariDataSource pool(String name, int max, int minIdle) {
    HikariDataSource ds = H2Pools.started(name, max, minIdle);
    pools.add(ds);
    return ds;
  }

  /** Restores in {@code percent} steps until the pool is at its configured sizes, at most {@link #MAX_RESTORE_STEPS}. */
  private static void restoreUntilConfigured(HikariGovernable g, int percent) {
    for (int steps = 1; !g.restore(new RestoreRequest(percent)).atConfigured(); steps++) {
      if (steps == MAX_RESTORE_STEPS) {
        fail("not back at the configured sizes after " + MAX_RESTORE_STEPS + " restore steps of " + percent + " %");
      }
    }
  }

  private static List<Connection> borrow(HikariDataSource ds, int n) throws Exception {
    List<Connection> held = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      held.add(ds.getConnection());
    }
    return held;
  }

  /**
   * Starts two threads that wait for a connection, returns {@code inUse} once both wait, and
   * asserts that both get one (and can query) within 5 s.
   */
  private static void twoWaitersGetAConnectionOnceReturned(HikariDataSource ds, List<Connection> inUse)
      throws Exception {
    ExecutorService waiters = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        results.add(waiters.submit(() -> {
          try (Connection c = ds.getConnection()) {
            return H2Pools.ping(c);
          }
        }));
      }
      await().atMost(Duration.ofSeconds(2)).until(() -> ds.getHikariPoolMXBean().getThreadsAwaitingConnection() == 2);
      giveBack(inUse);
      for (Future<Integer> r : results) {
        assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo(1);
      }
    } finally {
      waiters.shutdownNow();
    }
  }

  private static void giveBack(List<Connection> held) throws Exception {
    for (Connection c : held) {
      c.close();
    }
  }

  private static ReclaimResult reclaim(HikariGovernable g, CleanupLevel level) {
    return g.reclaim(new ReclaimRequest(level, 0, Trigger.API));
  }

  @Test
  void lightClosesIdleConnectionsAboveMinimumIdleNowAndKeepsTheSizes() throws Exception {
    // Given a pool with minimum idle 2 that grew to 8 connections, 3 of them in use
    HikariDataSource ds = pool("light", 10, 2);
    HikariGovernable g = HikariGovernable.adopt(ds);
    giveBack(borrow(ds, 8));
    List<Connection> inUse = borrow(ds, 3);
    assertThat(ds.getHikariPoolMXBean().getIdleConnections()).isEqualTo(5);
    int sessionsBefore = H2Pools.serverSessions(ds);

    // When a light cleanup runs
    ReclaimResult r = reclaim(g, CleanupLevel.LIGHT);

    // Then the 3 idle connections above minimum idle are closed at once, on both sides
    assertThat(r.action()).isEqualTo("closed 3 idle connection(s)");
    assertThat(ds.getHikariPoolMXBean().getIdleConnections()).isEqualTo(2);
    assertThat(ds.getHikariPoolMXBean().getTotalConnections()).isEqualTo(5);
    await().atMost(Duration.ofSeconds(5)).until(() -> H2Pools.serverSessions(ds) == sessionsBefore - 3);
    // and the sizes and the connections in use are untouched
    assertThat(g.currentBudget()).isEqualTo(10);
    assertThat(ds.getMinimumIdle()).isEqualTo(2);
    for (Connection c : inUse) {
      assertThat(H2Pools.ping(c)).isEqualTo(1);
    }
    giveBack(inUse);
    assertThat(ds.getHikariPoolMXBean().getTotalConnections()).isEqualTo(5);
  }

  @Test
  void lightDoesNothingOnAFixedSizePool() {
    HikariDataSource ds = pool("fixed", 4, 4);
    HikariGovernable g = HikariGovernable.adopt(ds);
    await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getTotalConnections() == 4);
    ReclaimResult r = reclaim(g, CleanupLevel.LIGHT);
    assertThat(r.changed()).isFalse();
    assertThat(r.action()).startsWith("nothing to give back at light: active=0 idle=4");
    assertThat(ds.getHikariPoolMXBean().getTotalConnections()).isEqualTo(4);
  }

  @Test
  void standardHalvesMaximumAndMinimumIdleAndClosesIdleConnectionsNow() throws Exception {
    // Given a fixed-size pool of 10 (HikariCP's housekeeper never retires these: minIdle == max)
    HikariDataSource ds = pool("standard", 10, 10);
    HikariGovernable g = HikariGovernable.adopt(ds);
    await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getTotalConnections() == 10);

    // When a standard cleanup runs
    ReclaimResult r = reclaim(g, CleanupLevel.STANDARD);

    // Then max and min idle are halved and the pool holds 5 connections right away
    assertThat(r.action()).isEqualTo("maximumPoolSize 10 -> 5, minimumIdle 10 -> 5, closed 5 idle connection(s)");
    assertThat(ds.getMaximumPoolSize()).isEqualTo(5);
    assertThat(ds.getMinimumIdle()).isEqualTo(5);
    assertThat(ds.getHikariPoolMXBean().getTotalConnections()).isEqualTo(5);
    await().atMost(Duration.ofSeconds(5)).until(() -> H2Pools.serverSessions(ds) == 5);
    assertThat(g.currentBudget()).isEqualTo(5);
  }

  @Test
  void inUseConnectionsAreSoftEvictedAndRetireWhenReturned() throws Exception {
    // Given 6 of 8 connections in use
    HikariDataSource ds = pool("soft", 8, 8);
    HikariGovernable g = HikariGovernable.adopt(ds);
    await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getTotalConnections() == 8);
    List<Connection> inUse = borrow(ds, 6);

    // When an emergency cleanup runs (floor 1)
    ReclaimResult r = reclaim(g, CleanupLevel.EMERGENCY);

    // Then idle ones close now, in-use ones are marked and keep working
    assertThat(r.action()).isEqualTo(
        "maximumPoolSize 8 -> 1, minimumIdle 8 -> 1, closed 2 idle connection(s), "
            + "soft-evicted 6 connection(s) (6 in use retire when returned)");
    assertThat(ds.getHikariPoolMXBean().getTotalConnections()).isEqualTo(6);
    for (Connection c : inUse) {
      assertThat(H2Pools.ping(c)).isEqualTo(1);
    }
    // a second cleanup at the same size does not evict again
    assertThat(reclaim(g, CleanupLevel.EMERGENCY).action())
        .isEqualTo("waiting for 5 in-use connection(s) to be returned and retired");

    // When they are returned, they are closed; the pool ends at its floor
    giveBack(inUse);
    await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getTotalConnections() <= 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> H2Pools.serverSessions(ds) <= 1);
    try (Connection c = ds.getConnection()) {
      assertThat(H2Pools.ping(c)).isEqualTo(1);
    }
    assertThat(ds.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
  }

  /**
   * HikariCP's count of threads waiting for a connection ({@code getThreadsAwaitingConnection()}).
   * A borrowing thread is counted before it looks for an idle connection, so under concurrent
   * borrowing the count is above 0 for moments while idle connections exist; tests hold it there.
   */
  private static AtomicInteger waiterCount(HikariDataSource ds) throws Exception {
    java.lang.reflect.Field bagField = com.zaxxer.hikari.pool.HikariPool.class.getDeclaredField("connectionBag");
    bagField.setAccessible(true);
    Object bag = bagField.get(ds.getHikariPoolMXBean());
    java.lang.reflect.Field waiters = bag.getClass().getDeclaredField("waiters");
    waiters.setAccessible(true);
    return (AtomicInteger) waiters.get(bag);
  }

  @Test
  void whileAThreadIsCountedAsWaitingIdleConnectionsAboveTheNewMaximumStillGoAndInUseOnesAreNotSoftEvicted()
      throws Exception {
    // Given a pool of 10 with 3 connections in use and 7 idle, at a moment when HikariCP counts a
    // borrowing thread as waiting (as it does while that thread looks for an idle connection)
    HikariDataSource ds = pool("borrowing", 10, 10);
    HikariGovernable g = HikariGovernable.adopt(ds);
    await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getTotalConnections() == 10);
    List<Connection> inUse = borrow(ds, 3);
    AtomicInteger waiters = waiterCount(ds);
    waiters.incrementAndGet();
    ReclaimResult r;
    try {
      assertThat(ds.getHikariPoolMXBean().getThreadsAwaitingConnection()).isEqualTo(1);

      // When a standard cleanup halves the pool to 5
      r = reclaim(g, CleanupLevel.STANDARD);
    } finally {
      waiters.decrementAndGet();
    }

    // Then idle connections above the new maximum are closed anyway (they have to go), which is
    // enough: the 3 in use are not soft-evicted, and the 2 idle ones within the new sizes stay
    assertThat(r.action()).isEqualTo("maximumPoolSize 10 -> 5, minimumIdle 10 -> 5, closed 5 idle connection(s)");
    assertThat(ds.getHikariPoolMXBean().getIdleConnections()).isEqualTo(2);
    giveBack(inUse);
    assertThat(ds.getHikariPoolMXBean().getTotalConnections()).as("the returned ones stay in the pool").isEqualTo(5);
    assertThat(ds.getHikariPoolMXBean().getIdleConnections()).isEqualTo(5);
  }

  @Test
  void threadsWaitingWhileInUseConnectionsRetireStillGetAConnectionWithMinimumIdleZero() throws Exception {
    // Given a pool with minimum idle 0 and every connection in use
    HikariDataSource ds = H2Pools.started("waiters", 3, 0);
    pools.add(ds);
    ds.setConnectionTimeout(3_000);
    HikariGovernable g = HikariGovernable.adopt(ds);
    List<Connection> inUse = borrow(ds, 3);

    // When an emergency cleanup soft-evicts them, two threads start waiting for a connection, and
    // the connections in use are returned (and retired): the pool drains to zero
    reclaim(g, CleanupLevel.EMERGENCY);

    // Then the waiting threads still get a connection (HikariCP asks for one only when a thread
    // starts waiting; with minimum idle 0 nobody would open one again)
    twoWaitersGetAConnectionOnceReturned(ds, inUse);
    assertThat(ds.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
    // and restoring brings minimum idle back to the configured 0
    restoreUntilConfigured(g, 50);
    assertThat(ds.getMinimumIdle()).isZero();
    assertThat(ds.getMaximumPoolSize()).isEqualTo(3);
  }

  @Test
  void aSecondCleanupToTheSameMaximumKeepsMinimumIdleAtOneWhileInUseConnectionsRetire() throws Exception {
    // Given a pool with minimum idle 0 and every connection in use
    HikariDataSource ds = H2Pools.started("waiters2", 3, 0);
    pools.add(ds);
    HikariGovernable g = HikariGovernable.adopt(ds);
    List<Connection> inUse = borrow(ds, 3);

    // When an aggressive cleanup soft-evicts them and an emergency cleanup follows at the same
    // maximum (the floor) while they are still in use
    reclaim(g, CleanupLevel.AGGRESSIVE);
    assertThat(reclaim(g, CleanupLevel.EMERGENCY).action())
        .isEqualTo("waiting for 2 in-use connection(s) to be returned and retired");

    // Then minimum idle stays at 1 (the second cleanup must not put it back to 0)
    assertThat(ds.getMinimumIdle()).isEqualTo(1);
    assertThat(ds.getMaximumPoolSize()).isEqualTo(1);

    // and two threads that start waiting now still get a connection once the in-use ones are
    // returned and retired (the pool drains to zero, and with minimum idle 0 nobody would open one)
    twoWaitersGetAConnectionOnceReturned(ds, inUse);
    // and restoring brings minimum idle back to the configured 0
    restoreUntilConfigured(g, 50);
    assertThat(ds.getMinimumIdle()).isZero();
    assertThat(ds.getMaximumPoolSize()).isEqualTo(3);
  }

  @Test
  void aRestoreWhileSoftEvictedConnectionsAreInUseKeepsMinimumIdleAtOneUntilTheyRetire() throws Exception {
    // Given a pool with minimum idle 0 cut to its floor while all 3 connections are in use
    HikariDataSource ds = H2Pools.started("waiters3", 3, 0);
    pools.add(ds);
    HikariGovernable g = HikariGovernable.adopt(ds);
    List<Connection> inUse = borrow(ds, 3);
    reclaim(g, CleanupLevel.EMERGENCY);

    // When the governor restores the configured sizes while they are still in use
    for (int steps = 0; g.restorePending(); steps++) {
      if (steps == MAX_RESTORE_STEPS) {
        fail("a restore is still pending after " + MAX_RESTORE_STEPS + " restore steps");
      }
      g.restore(new RestoreRequest(50));
    }

    // Then the maximum is back, but minimum idle stays 1 while they retire
    assertThat(ds.getMaximumPoolSize()).isEqualTo(3);
    assertThat(ds.getMinimumIdle()).isEqualTo(1);

    // and two threads that start waiting (the pool is at its maximum, so HikariCP opens nothing for
    // them) get a connection once the in-use ones are returned and retired
    twoWaitersGetAConnectionOnceReturned(ds, inUse);

    // and once no connection is in use, a restore is pending again and ends minimum idle at 0
    await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getActiveConnections() == 0);
    assertThat(g.restorePending()).isTrue();
    assertThat(g.restore(new RestoreRequest(50)).action()).isEqualTo("minimumIdle 1 -> 0");
    assertThat(ds.getMinimumIdle()).isZero();
    assertThat(g.restorePending()).isFalse();
  }

  /** Restores until nothing is pending, at most {@link #MAX_RESTORE_STEPS} steps. */
  private static void restoreWhilePending(HikariGovernable g, int percent) {
    for (int steps = 0; g.restorePending(); steps++) {
      if (steps == MAX_RESTORE_STEPS) {
        fail("a restore is still pending after " + MAX_RESTORE_STEPS + " restore steps: " + g.state());
      }
      g.restore(new RestoreRequest(percent));
    }
  }

  @Test
  void aMaximumTheOwnerLowersAtRuntimeIsTheNewConfiguredSizeAndARestoreLeavesIt() throws Exception {
    // Given a pool of 10 whose operator lowers the maximum to 6 through JMX, with no cut
    HikariDataSource ds = pool("lowered", 10, 10);
    HikariGovernable g = HikariGovernable.adopt(ds);
    ds.getHikariConfigMXBean().setMaximumPoolSize(6);

    // Then nothing is to restore: 6 is the configured maximum now (minimum idle follows it: 10 > 6)
    assertThat(g.restorePending()).isFalse();
    assertThat(g.configuredBudget()).isEqualTo(6);

    // Given a standard cut (max 3), after which the operator lowers the maximum to 2
    reclaim(g, CleanupLevel.STANDARD);
    assertThat(ds.getMaximumPoolSize()).isEqualTo(3);
    ds.getHikariConfigMXBean().setMaximumPoolSize(2);

    // When the governor restores until nothing is pending
    restoreWhilePending(g, 50);

    // Then the operator's maximum stands
    assertThat(ds.getMaximumPoolSize()).isEqualTo(2);
    assertThat(g.configuredBudget()).isEqualTo(2);
    assertThat(g.state()).contains("maximumPoolSize=2/2");
  }

  @Test
  void aMaximumTheOwnerRaisesIsTheNewConfiguredSizeThatLaterRestoresReturnTo() throws Exception {
    // Given a pool of 4 whose operator raises the maximum (and minimum idle) to 6
    HikariDataSource ds = pool("raised", 4, 4);
    HikariGovernable g = HikariGovernable.adopt(ds);
    ds.getHikariConfigMXBean().setMaximumPoolSize(6);
    ds.getHikariConfigMXBean().setMinimumIdle(6);
    assertThat(g.restorePending()).isFalse();

    // When an emergency cut and the restores that follow it run
    reclaim(g, CleanupLevel.EMERGENCY);
    restoreUntilConfigured(g, 50);

    // Then the pool is back at the operator's sizes
    assertThat(ds.getMaximumPoolSize()).isEqualTo(6);
    assertThat(ds.getMinimumIdle()).isEqualTo(6);
    assertThat(g.restorePending()).isFalse();
  }

  @Test
  void aMaximumSetBackByHandAfterACutStillGetsItsMinimumIdleBack() {
    // Given a pool of 10/10 cut to 1/1
    HikariDataSource ds = pool("by-hand", 10, 10);
    HikariGovernable g = HikariGovernable.adopt(ds);
    reclaim(g, CleanupLevel.EMERGENCY);
    assertThat(ds.getMinimumIdle()).isEqualTo(1);

    // When the operator sets the maximum back to 10 by hand
    ds.getHikariConfigMXBean().setMaximumPoolSize(10);

    // Then a restore is still pending for minimum idle, and it comes back to 10
    assertThat(g.restorePending()).isTrue();
    restoreWhilePending(g, 50);
    assertThat(ds.getMinimumIdle()).isEqualTo(10);
    assertThat(ds.getMaximumPoolSize()).isEqualTo(10);
  }

  @Test
  void aMinimumIdleHeldAtOneEndsAtTheConfiguredZeroAfterTheMaximumWasRaisedByHand() throws Exception {
    // Given a pool with minimum idle 0 cut to its floor while all 3 connections are in use, and
    // restored to max 3 with minimum idle held at 1 while they retire
    HikariDataSource ds = H2Pools.started("held", 3, 0);
    pools.add(ds);
    HikariGovernable g = HikariGovernable.adopt(ds);
    List<Connection> inUse = borrow(ds, 3);
    reclaim(g, CleanupLevel.EMERGENCY);
    restoreWhilePending(g, 50);
    assertThat(ds.getMinimumIdle()).isEqualTo(1);

    // When the operator raises the maximum to 5 by hand and the in-use connections are returned
    ds.getHikariConfigMXBean().setMaximumPoolSize(5);
    giveBack(inUse);
    await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getActiveConnections() == 0);

    // Then one restore ends minimum idle at 0, and nothing is pending any more
    assertThat(g.restorePending()).isTrue();
    g.restore(new RestoreRequest(50));
    assertThat(ds.getMinimumIdle()).isZero();
    assertThat(ds.getMaximumPoolSize()).isEqualTo(5);
    assertThat(g.restorePending()).isFalse();
  }

  /** The H2 session id of each connection. */
  private static List<Integer> sessionIds(List<Connection> connections) throws Exception {
    List<Integer> ids = new ArrayList<>();
    for (Connection c : connections) {
      try (java.sql.Statement s = c.createStatement();
          java.sql.ResultSet rs = s.executeQuery("SELECT SESSION_ID()")) {
        rs.next();
        ids.add(rs.getInt(1));
      }
    }
    return ids;
  }

  /** Closes, on the database's side, every session but these and the one doing it. */
  private static int abortSessionsExcept(HikariDataSource ds, List<Integer> keep) throws Exception {
    int aborted = 0;
    try (Connection admin = java.sql.DriverManager.getConnection(ds.getJdbcUrl(), "sa", "");
        java.sql.Statement s = admin.createStatement()) {
      List<Integer> others = new ArrayList<>();
      try (java.sql.ResultSet rs = s.executeQuery(
          "SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> SESSION_ID()")) {
        while (rs.next()) {
          others.add(rs.getInt(1));
        }
      }
      for (int id : others) {
        if (!keep.contains(id)) {
          try (java.sql.ResultSet rs = s.executeQuery("SELECT ABORT_SESSION(" + id + ")")) {
            rs.next();
            aborted += rs.getBoolean(1) ? 1 : 0;
          }
        }
      }
    }
    return aborted;
  }

  @Test
  void idleConnectionsFoundDeadAreNotTakenForConnectionsInUse() throws Exception {
    // Given a pool of 10 with 3 connections in use and 7 idle ones whose database sessions died
    // (HikariCP validates a connection idle for over 500 ms when it is borrowed, and closes a dead one)
    com.zaxxer.hikari.HikariConfig config = H2Pools.config("dead-idle", 10, 10);
    AtomicInteger timeouts = new AtomicInteger();
    config.setMetricsTrackerFactory((poolName, stats) -> new com.zaxxer.hikari.metrics.IMetricsTracker() {
      @Override
      public void recordConnectionTimeout() {
        timeouts.incrementAndGet();
      }
    });
    HikariDataSource ds = new HikariDataSource(config);
    pools.add(ds);
    HikariGovernable g = HikariGovernable.adopt(ds);
    await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getTotalConnections() == 10);
    List<Connection> inUse = borrow(ds, 3);
    assertThat(abortSessionsExcept(ds, sessionIds(inUse))).isEqualTo(7);
    Thread.sleep(700);

    // When a standard cleanup halves the pool to 5
    ReclaimResult r = reclaim(g, CleanupLevel.STANDARD);

    // Then the dead idle connections are gone, and the 3 in use (within the new maximum) are not
    // soft-evicted: they keep working and stay in the pool when returned
    assertThat(r.action()).doesNotContain("soft-evicted");
    // (each borrow that found a dead one, until the pool was at its new sizes, counts as a
    // connection timeout in HikariCP's metrics: docs/jdbc.md says so)
    assertThat(timeouts.get()).isEqualTo(5);
    for (Connection c : inUse) {
      assertThat(H2Pools.ping(c)).isEqualTo(1);
    }
    giveBack(inUse);
    assertThat(ds.getHikariPoolMXBean().getTotalConnections()).isBetween(3, 5);
    assertThat(ds.getHikariPoolMXBean().getIdleConnections()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void atTheFloorACallerThatWaitsLongerThanTheConnectionTimeoutGetsHikariCpsTimeout() throws Exception {
    // Given a pool cut to its floor of 1, whose one connection is in use
    // (docs/jdbc.md, "Waiting callers")
    HikariDataSource ds = pool("floor-wait", 4, 4);
    ds.setConnectionTimeout(250);
    HikariGovernable g = HikariGovernable.adopt(ds);
    reclaim(g, CleanupLevel.EMERGENCY);
    List<Connection> inUse = borrow(ds, 1);

    // Then the cut does not raise the maximum for a caller that waits: it times out as from a
    // pool configured at that size
    assertThatThrownBy(ds::getConnection).isInstanceOf(java.sql.SQLTransientConnectionException.class);
    assertThat(ds.getMaximumPoolSize()).isEqualTo(1);

    // and the connection in use was never touched: it still queries, and serves the next caller
    assertThat(H2Pools.ping(inUse.get(0))).isEqualTo(1);
    giveBack(inUse);
    try (Connection c = ds.getConnection()) {
      assertThat(H2Pools.ping(c)).isEqualTo(1);
    }
  }

  @Test
  void aQueryRunningDuringAnEmergencyCleanupCompletesAndThePoolEndsAtItsFloor() throws Exception {
    // Given a query that runs for 700 ms on one of the pool's connections
    HikariDataSource ds = pool("running", 4, 4);
    HikariGovernable g = HikariGovernable.adopt(ds);
    try (Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE ALIAS IF NOT EXISTS SLEEP_MS FOR 'java.lang.Thread.sleep(long)'");
    }
    java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.Future<Integer> query = runner.submit(() -> {
        try (Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement()) {
          started.countDown();
          try (java.sql.ResultSet rs = s.executeQuery("SELECT 42 FROM (SELECT SLEEP_MS(700))")) {
            rs.next();
            return rs.getInt(1);
          }
        }
      });
      assertThat(started.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(2)).until(() -> ds.getHikariPoolMXBean().getActiveConnections() == 1);

      // When an emergency cleanup runs while it is running
      reclaim(g, CleanupLevel.EMERGENCY);
      assertThat(ds.getHikariPoolMXBean().getTotalConnections()).as("the running one stays").isEqualTo(1);

      // Then the query completes with its result, and the pool holds the floor of 1 connection
      assertThat(query.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(42);
      await().atMost(Duration.ofSeconds(5)).until(() -> H2Pools.serverSessions(ds) <= 1);
    } finally {
      runner.shutdownNow();
    }
  }

  @Test
  void restoreGrowsBackInStepsToTheConfiguredSizes() throws Exception {
    HikariDataSource ds = pool("restore", 10, 4);
    HikariGovernable g = HikariGovernable.adopt(ds);
    reclaim(g, CleanupLevel.EMERGENCY);
    assertThat(ds.getMaximumPoolSize()).isEqualTo(1);
    assertThat(ds.getMinimumIdle()).isEqualTo(1);

    List<String> steps = new ArrayList<>();
    RestoreResult r;
    do {
      if (steps.size() == MAX_RESTORE_STEPS) {
        fail("not back at the configured sizes after " + MAX_RESTORE_STEPS + " restore steps: " + steps);
      }
      r = g.restore(new RestoreRequest(30));
      steps.add(r.action());
      assertThat(ds.getMinimumIdle()).isLessThanOrEqualTo(ds.getMaximumPoolSize());
    } while (!r.atConfigured());
    assertThat(steps).containsExactly(
        "maximumPoolSize 1 -> 4, minimumIdle 1 -> 2",
        "maximumPoolSize 4 -> 7, minimumIdle 2 -> 3",
        "maximumPoolSize 7 -> 10, minimumIdle 3 -> 4");
    assertThat(g.restore(new RestoreRequest(30))).isEqualTo(RestoreResult.complete());
    // the restored pool opens connections up to the configured maximum again
    List<Connection> held = borrow(ds, 10);
    assertThat(ds.getHikariPoolMXBean().getTotalConnections()).isEqualTo(10);
    giveBack(held);
  }

  @Test
  void adoptedBeforeThePoolStartsTheSizesApplyWhenItStarts() throws Exception {
    // Given a data source whose pool HikariCP starts lazily, on the first getConnection()
    HikariDataSource ds = new HikariDataSource();
    pools.add(ds);
    ds.setJdbcUrl("jdbc:h2:mem:lazy-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    ds.setPoolName("lazy");
    assertThat(ds.getHikariPoolMXBean()).isNull();
    HikariGovernable g = HikariGovernable.adopt(ds);

    // Then HikariCP's defaults are what it remembers (max 10, min idle = max), and it reports no pool
    assertThat(g.configuredBudget()).isEqualTo(10);
    assertThat(g.footprintBytes()).isZero();
    assertThat(g.state()).isEqualTo("not started; maximumPoolSize=10/10 minimumIdle=10/10 floor=1");

    // When an emergency cleanup runs before the start
    ReclaimResult r = reclaim(g, CleanupLevel.EMERGENCY);
    assertThat(r.action()).isEqualTo("maximumPoolSize 10 -> 1, minimumIdle 10 -> 1 (pool not started; applies when it starts)");

    // Then the pool starts at the floor
    try (Connection c = ds.getConnection()) {
      assertThat(H2Pools.ping(c)).isEqualTo(1);
    }
    assertThat(ds.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
    assertThat(g.footprintBytes()).isEqualTo(HikariGovernable.DEFAULT_PER_CONNECTION_BYTES);

    // and restores to what was configured
    restoreUntilConfigured(g, 50);
    assertThat(ds.getMaximumPoolSize()).isEqualTo(10);
    assertThat(ds.getMinimumIdle()).isEqualTo(10);
  }
}
