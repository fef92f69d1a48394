package dev.memgov.jdbc;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.Governable;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A HikariCP pool as a {@link Governable}: it shrinks the pool under memory pressure and grows it
 * back to the sizes the user configured when pressure is gone. Budgets are in connections (the
 * pool's {@code maximumPoolSize}).
 *
 * <ul>
 *   <li>{@code LIGHT}: closes idle connections above {@code minimumIdle}, now; sizes stay.
 *   <li>{@code STANDARD}: halves {@code maximumPoolSize} (not below the floor) and {@code
 *       minimumIdle} with it, and closes idle connections above the new sizes now.
 *   <li>{@code AGGRESSIVE}, {@code EMERGENCY}: the same down to the floor (default 1).
 * </ul>
 *
 * <p>When the connections in use alone still exceed the new maximum, the pool is soft-evicted
 * ({@code HikariPoolMXBean.softEvictConnections()}): every connection in use, not only as many as
 * exceed the maximum (HikariCP cannot mark one connection in use), is closed when it is returned
 * (lowering the maximum alone would let them be borrowed again for ever).
 *
 * <p>A connection in use is never closed under a running query; soft eviction retires it when the
 * application returns it. A cut pool is not grown for threads that wait for a connection: as with
 * any pool of that size, they wait up to HikariCP's {@code connectionTimeout}. {@link #restore}
 * grows {@code maximumPoolSize} and {@code minimumIdle} back in steps, never above the configured
 * sizes; connections come back on demand (or at HikariCP's next housekeeping pass, for {@code
 * minimumIdle}).
 *
 * <p>The configured sizes are the pool's {@code maximumPoolSize} and {@code minimumIdle} at
 * adoption. A size the owner changes later (through {@code HikariConfigMXBean} or the data source:
 * any value other than the one this class last set or saw) becomes the configured size from then
 * on, up or down, so a restore never undoes it. A size set by hand to exactly the value the
 * governor had set cannot be told apart from it and stays the governor's.
 *
 * <p>Works on a data source that has not started its pool yet (HikariCP starts it on the first
 * {@code getConnection()}): sizes set before the start apply when it starts.
 *
 * <p>The footprint is the pool's connections times a per-connection estimate of this JVM's memory
 * per connection ({@link #DEFAULT_PER_CONNECTION_BYTES} unless set); the database server holds
 * more per connection on its side (a PostgreSQL backend process: several MiB), which the footprint
 * does not count.
 *
 * <p>This class is thread-safe: reclaim and restore are serialized on the instance; the getters
 * read HikariCP's volatile fields and never block.
 */
public final class HikariGovernable implements Governable {

  /**
   * The default per-connection estimate, 128 KiB: this JVM's heap per pooled connection (driver
   * buffers, statement cache, HikariCP's proxies). Measured with PostgreSQL's driver 42.7 on
   * JDK 17: 62 KiB per connection after 20 distinct statements, 176 KiB after 200 (docs/jdbc.md,
   * {@code PerConnectionFootprint} in benchmarks). The server's side is not counted.
   */
  public static final long DEFAULT_PER_CONNECTION_BYTES = 128L * 1024;

  /** The default floor: aggressive and emergency cleanups leave one connection. */
  public static final int DEFAULT_FLOOR = 1;

  /** The sizing hint needs at least this many samples of the active count. */
  static final int HINT_MIN_SAMPLES = 20;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final AtomicInteger UNNAMED = new AtomicInteger();

  /** At most this many bytes per connection: any int count of connections times it fits a long. */
  public static final long MAX_PER_CONNECTION_BYTES = 1L << 30;

  private final HikariDataSource dataSource;
  private final String name;
  private final long perConnectionBytes;
  private final int threads;
  /** The floor asked for; the one in force is at most the configured maximum. */
  private final int requestedFloor;
  /** The configured sizes and the floor: as adopted, or as the owner last set them ({@link #followOwner}). */
  private volatile PoolSizing sizing;

  /** The effective sizes this class last set or saw; sizes that differ are the owner's. Guarded by this. */
  private int knownMax;
  private int knownMinIdle;

  private final AtomicInteger peakActive = new AtomicInteger();
  private final AtomicLong samples = new AtomicLong();

  /** The maximum at which this governable last soft-evicted; -1 after a restore. Guarded by this. */
  private int evictedAtMax = -1;

  /**
   * An upper bound on the connections soft-evicted while in use that are still out (each retires
   * when it is returned); 0 when there are none. Such a connection is in use until it is closed,
   * and no connection becomes soft-evicted later, so their number is at most the fewest connections
   * seen in use since the soft eviction. Guarded by this.
   */
  private int retiringBound;

  private HikariGovernable(Builder b) {
    this.dataSource = b.dataSource;
    this.perConnectionBytes = b.perConnectionBytes;
    this.threads = b.threads;
    HikariConfigMXBean config = dataSource.getHikariConfigMXBean();
    int max = PoolSizing.effectiveMax(config.getMaximumPoolSize());
    int minIdle = PoolSizing.effectiveMinIdle(config.getMinimumIdle(), max);
    if (b.floor > max) {
      throw new IllegalArgumentException(
          "floor must be at most the pool's maximumPoolSize (" + max + "), but was " + b.floor);
    }
    this.requestedFloor = b.floor;
    this.sizing = new PoolSizing(max, minIdle, b.floor);
    this.knownMax = max;
    this.knownMinIdle = minIdle;
    this.name = b.name != null ? b.name : defaultName(dataSource);
  }

  /**
   * Adopts a data source with the defaults: floor {@value #DEFAULT_FLOOR}, {@link
   * #DEFAULT_PER_CONNECTION_BYTES} per connection, name {@code hikari:<poolName>}.
   *
   * @throws IllegalArgumentException when the data source is null or closed
   */
  public static HikariGovernable adopt(HikariDataSource dataSource) {
    return builder(dataSource).build();
  }

  /**
   * A builder for adopting {@code dataSource}; it remembers the pool's {@code maximumPoolSize}
   * and {@code minimumIdle} when {@link Builder#build()} runs.
   *
   * @throws IllegalArgumentException when the data source is null or closed
   */
  public static Builder builder(HikariDataSource dataSource) {
    if (dataSource == null) {
      throw new IllegalArgumentException("dataSource must be an open HikariDataSource, but was null");
    }
    if (dataSource.isClosed()) {
      throw new IllegalArgumentException(
          "dataSource must be an open HikariDataSource, but pool '" + dataSource.getPoolName() + "' was closed");
    }
    return new Builder(dataSource);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kind() {
    return "pool";
  }

  @Override
  public long footprintBytes() {
    HikariPoolMXBean pool = livePool();
    if (pool == null) {
      return 0;
    }
    sample(pool);
    return (long) pool.getTotalConnections() * perConnectionBytes;
  }

  @Override
  public String budgetUnit() {
    return "connections";
  }

  @Override
  public long configuredBudget() {
    return sizing.configuredMax();
  }

  @Override
  public long currentBudget() {
    return currentMax();
  }

  /**
   * Whether a restore step has anything to do: the data source is open, and the maximum is below
   * the configured one, or minimum idle is not yet what goes with the configured maximum (the
   * configured value, or 1 while soft-evicted connections in use might fill the pool; see {@link
   * #restore}). A data source closed after a cut keeps its cut sizes in its configuration, but
   * there is no pool left to restore.
   */
  @Override
  public synchronized boolean restorePending() {
    if (dataSource.isClosed()) {
      return false;
    }
    followOwner();
    int max = currentMax();
    return max < sizing.configuredMax() || currentMinIdle(max) != minIdleAtConfigured(max);
  }

  @Override
  public RebuildCost rebuildCost() {
    return RebuildCost.MODERATE;
  }

  /** The floor that aggressive and emergency cleanups go down to. */
  public int floor() {
    return sizing.floor();
  }

  /** The estimate of this JVM's bytes per pooled connection. */
  public long perConnectionBytes() {
    return perConnectionBytes;
  }

  @Override
  public synchronized ReclaimResult reclaim(ReclaimRequest request) {
    if (dataSource.isClosed()) {
      return ReclaimResult.nothing("data source is closed");
    }
    followOwner();
    PoolSizing sizing = this.sizing;
    CleanupLevel level = request.level();
    int curMax = currentMax();
    int curMinIdle = currentMinIdle(curMax);
    int newMax = sizing.maxAfterReclaim(level, curMax);
    int newMinIdle = level == CleanupLevel.LIGHT ? curMinIdle : Math.min(curMinIdle, sizing.minIdleFor(newMax));
    if (newMinIdle < 1 && mayAllBeRetiring(newMax)) {
      // connections soft-evicted earlier may still fill the pool: keep minimum idle 1 (see below)
      newMinIdle = 1;
    }
    List<String> done = new ArrayList<>();
    setSizes(curMax, curMinIdle, newMax, newMinIdle, done);

    HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
    if (pool == null) {
      return done.isEmpty()
          ? ReclaimResult.nothing("pool not started; maximumPoolSize already " + curMax)
          : ReclaimResult.done(String.join(", ", done) + " (pool not started; applies when it starts)");
    }
    sample(pool);
    int closed = closeIdle(pool, newMinIdle, newMax);
    if (closed > 0) {
      done.add("closed " + closed + " idle connection(s)");
    }
    int total = pool.getTotalConnections();
    int inUse = pool.getActiveConnections();
    if (total > newMax && inUse <= newMax) {
      // idle connections left above the maximum (a borrow came back empty: another thread took the
      // idle one, or HikariCP found it dead): the connections in use fit, so nothing is soft-evicted
      done.add((total - newMax) + " connection(s) above the new maximum with " + inUse
          + " in use: left for the next cleanup");
    } else if (total > newMax) {
      // the connections in use alone exceed the maximum: mark them so they retire when returned
      if (evictedAtMax == newMax) {
        done.add("waiting for " + (total - newMax) + " in-use connection(s) to be returned and retired");
      } else {
        if (currentMinIdle(newMax) < 1) {
          // HikariCP opens a connection for a waiting thread only when it starts waiting; if the
          // retiring connections take the pool to zero, minimum idle 1 makes it open one again
          dataSource.getHikariConfigMXBean().setMinimumIdle(1);
          noteSizes();
          done.add("minimumIdle 0 -> 1 while in-use connections retire");
        }
        pool.softEvictConnections();
        evictedAtMax = newMax;
        retiringBound = pool.getActiveConnections(); // every connection in use now is marked
        done.add("soft-evicted " + total + " connection(s) (" + inUse + " in use retire when returned)");
      }
    }
    if (done.isEmpty()) {
      return ReclaimResult.nothing("nothing to give back at " + level.wireName() + ": " + describe(pool, curMax, curMinIdle));
    }
    return ReclaimResult.done(String.join(", ", done));
  }

  @Override
  public synchronized RestoreResult restore(RestoreRequest request) {
    if (dataSource.isClosed()) {
      return RestoreResult.step("data source is closed; nothing to restore", true);
    }
    followOwner(); // so the current maximum is never above the configured one
    PoolSizing sizing = this.sizing;
    int curMax = currentMax();
    int curMinIdle = currentMinIdle(curMax);
    int newMax = (int) request.next(curMax, sizing.configuredMax());
    int newMinIdle = newMax >= sizing.configuredMax()
        ? minIdleAtConfigured(newMax)
        : Math.min(newMax, Math.max(curMinIdle, sizing.minIdleFor(newMax)));
    if (newMinIdle < 1 && mayAllBeRetiring(newMax)) {
      // soft-evicted connections may still fill the pool: the guard of reclaim stays
      newMinIdle = 1;
    }
    if (newMax == curMax && newMinIdle == curMinIdle) {
      return RestoreResult.complete();
    }
    evictedAtMax = -1;
    List<String> done = new ArrayList<>();
    setSizes(curMax, curMinIdle, newMax, newMinIdle, done);
    if (newMax >= sizing.configuredMax() && newMinIdle > sizing.configuredMinIdle()) {
      done.add("minimumIdle kept at 1 until the soft-evicted connections in use are returned");
    }
    return RestoreResult.step(String.join(", ", done), newMax >= sizing.configuredMax());
  }

  @Override
  public String state() {
    if (dataSource.isClosed()) {
      return "closed";
    }
    int max = currentMax();
    int minIdle = currentMinIdle(max);
    HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
    if (pool == null) {
      return "not started; " + sizes(max, minIdle);
    }
    sample(pool);
    String s = describe(pool, max, minIdle);
    String hint = sizingHint();
    return hint == null ? s : s + "; " + hint;
  }

  /**
   * A sizing hint, or {@code null}: when the configured maximum is far above the peak active count
   * seen (at least twice the peak plus one), or above the number of threads that use the pool
   * when that was given.
   */
  String sizingHint() {
    PoolSizing sizing = this.sizing;
    int max = sizing.configuredMax();
    if (threads > 0 && max > threads) {
      return "sizing hint: maximumPoolSize " + max + " is above the " + threads
          + " threads that use this pool; consider maximumPoolSize " + threads;
    }
    long n = samples.get();
    int peak = peakActive.get();
    if (n >= HINT_MIN_SAMPLES && max >= 4 && max >= 2 * (peak + 1)) {
      return "sizing hint: maximumPoolSize " + max + " is far above the peak of " + peak
          + " active connection(s) seen in " + n + " samples; consider maximumPoolSize " + Math.max(peak + 1, sizing.floor());
    }
    return null;
  }

  // ---- package-private views for the metrics binder and tests

  int totalConnections() {
    HikariPoolMXBean pool = livePool();
    return pool == null ? 0 : pool.getTotalConnections();
  }

  int activeConnections() {
    HikariPoolMXBean pool = livePool();
    return pool == null ? 0 : pool.getActiveConnections();
  }

  int idleConnections() {
    HikariPoolMXBean pool = livePool();
    return pool == null ? 0 : pool.getIdleConnections();
  }

  int threadsAwaiting() {
    HikariPoolMXBean pool = livePool();
    return pool == null ? 0 : pool.getThreadsAwaitingConnection();
  }

  int peakActive() {
    return peakActive.get();
  }

  int currentMinIdle() {
    return currentMinIdle(currentMax());
  }

  int configuredMinIdle() {
    return sizing.configuredMinIdle();
  }

  // ---- internals

  /**
   * Takes a size the owner changed since this class last set or saw it as the configured size, so
   * a restore never undoes it; the floor in force stays at most the configured maximum.
   */
  private void followOwner() {
    int max = currentMax();
    int minIdle = currentMinIdle(max);
    if (max == knownMax && minIdle == knownMinIdle) {
      return;
    }
    PoolSizing old = sizing;
    int configuredMax = max != knownMax ? max : old.configuredMax();
    int configuredMinIdle = minIdle != knownMinIdle ? minIdle : Math.min(old.configuredMinIdle(), configuredMax);
    sizing = new PoolSizing(configuredMax, configuredMinIdle, Math.min(requestedFloor, configuredMax));
    knownMax = max;
    knownMinIdle = minIdle;
  }

  /** Remembers the sizes in force now as the ones this class set. */
  private void noteSizes() {
    knownMax = currentMax();
    knownMinIdle = currentMinIdle(knownMax);
  }

  /**
   * Minimum idle that goes with the configured maximum {@code max}: the configured value, or 1
   * above a configured 0 while soft-evicted connections in use might still fill the pool.
   */
  private int minIdleAtConfigured(int max) {
    int configured = sizing.configuredMinIdle();
    return configured < 1 && mayAllBeRetiring(max) ? 1 : configured;
  }

  /**
   * Whether connections soft-evicted while in use may still be as many as {@code max}, so that a
   * pool at its maximum {@code max} could hold nothing else. Only then does minimum idle 0 leave a
   * waiting thread without a connection: HikariCP refuses to open one at the maximum, hands the
   * thread any returned connection that does not retire, and fills nothing at minimum idle 0 when
   * the retiring ones close. Lowers the bound to the connections in use now (0 once none is).
   */
  private boolean mayAllBeRetiring(int max) {
    if (retiringBound > 0) {
      HikariPoolMXBean pool = livePool();
      retiringBound = pool == null ? 0 : Math.min(retiringBound, pool.getActiveConnections());
    }
    return retiringBound >= max;
  }

  private HikariPoolMXBean livePool() {
    return dataSource.isClosed() ? null : dataSource.getHikariPoolMXBean();
  }

  private int currentMax() {
    return PoolSizing.effectiveMax(dataSource.getHikariConfigMXBean().getMaximumPoolSize());
  }

  private int currentMinIdle(int max) {
    return PoolSizing.effectiveMinIdle(dataSource.getHikariConfigMXBean().getMinimumIdle(), max);
  }

  /** Sets both sizes, in the order that keeps minimum idle at or below the maximum throughout. */
  private void setSizes(int curMax, int curMinIdle, int newMax, int newMinIdle, List<String> done) {
    HikariConfigMXBean config = dataSource.getHikariConfigMXBean();
    if (newMax < curMax) {
      config.setMinimumIdle(newMinIdle);
      config.setMaximumPoolSize(newMax);
    } else {
      config.setMaximumPoolSize(newMax);
      config.setMinimumIdle(newMinIdle);
    }
    if (newMax != curMax) {
      done.add("maximumPoolSize " + curMax + " -> " + newMax);
    }
    if (newMinIdle != curMinIdle) {
      done.add("minimumIdle " + curMinIdle + " -> " + newMinIdle);
    }
    noteSizes();
  }

  /** A failed borrow that took longer than this (100 ms) stops the closing of idle connections. */
  private static final long SLOW_BORROW_NANOS = 100_000_000L;

  /**
   * Closes idle connections now, one at a time, while there are more connections than {@code max}
   * or more idle ones than {@code minIdle}: each is taken from the pool without waiting (so a
   * connection in use is never touched) and evicted, which closes it at once.
   *
   * <p>Idle connections above {@code max} are closed even while a thread waits for a connection:
   * they have to go (HikariCP opens nothing for a waiting thread above the maximum), and leaving
   * them would make the caller soft-evict every connection, the idle ones the pool keeps and every
   * one in use. HikariCP counts a borrowing thread as waiting before it looks for an idle
   * connection, so under concurrent borrowing the count is above 0 for moments even with idle
   * connections to spare. Idle connections within {@code max} but above {@code minIdle} are closed
   * only while no thread waits, so this never competes with the application for them.
   *
   * <p>A borrow that comes back empty (another thread took the idle connection first, or HikariCP
   * validated it, found it dead and closed it) says nothing about the rest: the next one is tried.
   * At most as many borrows as the pool had connections are tried, and none after an empty borrow
   * slower than {@link #SLOW_BORROW_NANOS} (a dead connection validated: the database is likely
   * unreachable, and each further try could take HikariCP's validationTimeout). HikariCP counts an empty borrow
   * as a connection timeout in its metrics, and validates a connection idle for over 500 ms before
   * handing it over (docs/jdbc.md).
   *
   * <p>HikariCP's own housekeeper closes idle connections only every 30 s, and never when minimum
   * idle equals the maximum.
   */
  private int closeIdle(HikariPoolMXBean pool, int minIdle, int max) {
    if (!(pool instanceof HikariPool)) {
      return 0;
    }
    HikariPool hikari = (HikariPool) pool;
    int closed = 0;
    for (int tries = pool.getTotalConnections(); tries > 0; tries--) {
      if (hikari.poolState != HikariPool.POOL_NORMAL || Thread.currentThread().isInterrupted()) {
        break; // a suspended pool would block the borrow
      }
      int idle = pool.getIdleConnections();
      boolean aboveMax = pool.getTotalConnections() > max;
      if (idle == 0 || (!aboveMax && (idle <= minIdle || pool.getThreadsAwaitingConnection() > 0))) {
        break;
      }
      Connection connection;
      long start = System.nanoTime();
      try {
        connection = hikari.getConnection(0L);
      } catch (SQLException emptyBorrow) {
        if (System.nanoTime() - start > SLOW_BORROW_NANOS) {
          // HikariCP validated an idle connection and found it dead, which takes up to its
          // validationTimeout: the database is likely unreachable, and trying each of the others
          // would hold the governor thread for that long per connection
          break;
        }
        continue;
      }
      hikari.evictConnection(connection);
      closed++;
    }
    return closed;
  }

  private void sample(HikariPoolMXBean pool) {
    int active = pool.getActiveConnections();
    peakActive.accumulateAndGet(active, Math::max);
    samples.incrementAndGet();
  }

  private String describe(HikariPoolMXBean pool, int max, int minIdle) {
    return "active=" + pool.getActiveConnections() + " idle=" + pool.getIdleConnections() + " waiting="
        + pool.getThreadsAwaitingConnection() + " total=" + pool.getTotalConnections() + " " + sizes(max, minIdle);
  }

  private String sizes(int max, int minIdle) {
    PoolSizing sizing = this.sizing;
    return "maximumPoolSize=" + max + "/" + sizing.configuredMax() + " minimumIdle=" + minIdle + "/"
        + sizing.configuredMinIdle() + " floor=" + sizing.floor();
  }

  private static String defaultName(HikariDataSource dataSource) {
    String pool = dataSource.getPoolName();
    if (pool == null || pool.isBlank()) {
      pool = "pool-" + UNNAMED.incrementAndGet();
    }
    String cleaned = pool.replaceAll("[^A-Za-z0-9._:-]", "-");
    String full = "hikari:" + cleaned;
    return full.length() > 64 ? full.substring(0, 64) : full;
  }

  @Override
  public String toString() {
    return "HikariGovernable[" + name + ", " + state() + "]";
  }

  /**
   * Builds a {@link HikariGovernable}. Each setter checks its own value; {@link #build()} checks
   * the floor against the pool's maximum. Not thread-safe.
   */
  public static final class Builder {
    private final HikariDataSource dataSource;
    private int floor = DEFAULT_FLOOR;
    private long perConnectionBytes = DEFAULT_PER_CONNECTION_BYTES;
    private String name;
    private int threads;

    private Builder(HikariDataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The fewest connections aggressive and emergency cleanups leave: at least 1 and at most the
     * pool's {@code maximumPoolSize}; default {@value HikariGovernable#DEFAULT_FLOOR}.
     */
    public Builder floor(int floor) {
      if (floor < 1) {
        throw new IllegalArgumentException("floor must be at least 1, but was " + floor);
      }
      this.floor = floor;
      return this;
    }

    /**
     * This JVM's bytes per pooled connection, for the footprint: 0 to 1 GiB ({@value
     * HikariGovernable#MAX_PER_CONNECTION_BYTES}); default {@link
     * HikariGovernable#DEFAULT_PER_CONNECTION_BYTES}.
     */
    public Builder perConnectionBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("perConnectionBytes must be at least 0, but was " + bytes);
      }
      if (bytes > MAX_PER_CONNECTION_BYTES) {
        throw new IllegalArgumentException("perConnectionBytes must be between 0 and " + MAX_PER_CONNECTION_BYTES
            + " (1 GiB), but was " + bytes);
      }
      this.perConnectionBytes = bytes;
      return this;
    }

    /**
     * The governable's name: 1-64 of {@code A-Z a-z 0-9 . _ - :}; default {@code
     * hikari:<poolName>}.
     */
    public Builder name(String name) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("name must be 1-64 characters of A-Z a-z 0-9 . _ - :, but was "
            + (name == null ? "null" : "'" + name + "'"));
      }
      this.name = name;
      return this;
    }

    /**
     * How many threads use this pool, when known: the sizing hint then says when {@code
     * maximumPoolSize} is above it. At least 1.
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, but was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Adopts the data source, remembering its {@code maximumPoolSize} and {@code minimumIdle} as
     * the configured sizes.
     *
     * @throws IllegalArgumentException when the floor is above the pool's maximum, or the data
     *     source was closed since {@link HikariGovernable#builder}
     */
    public HikariGovernable build() {
      if (dataSource.isClosed()) {
        throw new IllegalArgumentException(
            "dataSource must be an open HikariDataSource, but pool '" + dataSource.getPoolName() + "' was closed");
      }
      return new HikariGovernable(this);
    }
  }
}
