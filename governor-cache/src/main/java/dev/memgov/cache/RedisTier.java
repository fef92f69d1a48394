package dev.memgov.cache;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis L2 of one cache, through Lettuce: standalone ({@code redis://}, {@code rediss://},
 * {@code redis-socket://}), Sentinel ({@code redis-sentinel://}) and Cluster ({@code
 * redis-cluster://host:port,host:port}, {@code rediss-cluster://} with TLS).
 *
 * <p>Faults never reach the cache's caller: every call waits at most the configured timeout;
 * after {@value #FAILURE_THRESHOLD} consecutive failures L2 is skipped (circuit open) and a
 * background probe PINGs it every back-off period until it answers. A write or invalidation that
 * failed leaves its key "pending": reads skip L2 for that key (its L2 value may be stale) until
 * a tombstone has replaced it after recovery. More than {@value #MAX_PENDING} pending keys
 * mark the whole prefix dirty: reads skip L2 until the prefix has been deleted with SCAN. An
 * interrupted caller is no failure: reads and fill-only writes skip L2, writes and deletes wait
 * for Redis all the same (at most the timeout) and restore the interrupt flag after.
 *
 * <p><b>Tombstones.</b> An invalidation writes a tombstone ({@link StoredForm#tombstone()}) for
 * {@code tombstoneTtl} instead of deleting the key: a spill's {@code SET NX} from an instance that
 * still holds the old value in its L1 then finds the key taken, and a value loaded from before the
 * invalidation is not written over it ({@link #setIfUnchanged}: a load writes only if the key
 * still holds what its read saw). Reads take a tombstone for absent.
 *
 * <p>Thread-safe: Lettuce connections are thread-safe; state is in atomics and volatiles.
 */
final class RedisTier implements AutoCloseable {

  static final byte[] SKIPPED = new byte[0];
  static final int FAILURE_THRESHOLD = 3;
  static final int MAX_PENDING = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(RedisTier.class);
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final byte[] EXPECT_ABSENT = new byte[0];
  /**
   * SET the key to ARGV[1] (with PX ARGV[3] unless it is 0) only if it still holds ARGV[2], or
   * nothing when ARGV[2] is empty (a stored value never is). Answers OK, or nil when not written.
   */
  static final byte[] SET_IF_UNCHANGED = (
      "local v = redis.call('GET', KEYS[1])\n"
      + "if (v == false and ARGV[2] == '') or v == ARGV[2] then\n"
      + "  if ARGV[3] == '0' then return redis.call('SET', KEYS[1], ARGV[1]) end\n"
      + "  return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])\n"
      + "end\n"
      + "return false\n").getBytes(StandardCharsets.US_ASCII);

  private final String cacheName;
  private final String prefix;
  /** The URI as given, user info masked: for logs and the state line. */
  private final String uriForLogs;
  /** The URI as given (with any password): only to scrub that password from error messages. */
  private final String uri;
  private final long timeoutNanos;
  private final Duration backoff;
  /** How long a tombstone lives, in ms; 0: invalidations delete the key instead. */
  private final long tombstoneMillis;
  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final boolean cluster;
  private final ScheduledExecutorService prober;

  private volatile StatefulConnection<String, byte[]> connection;
  private volatile RedisClusterAsyncCommands<String, byte[]> commands;
  private volatile boolean down;
  private volatile boolean closed;
  private volatile String lastError = "";
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicBoolean repairScheduled = new AtomicBoolean();
  private final LongAdder errors = new LongAdder();
  private final ConcurrentHashMap<String, Object> pending = new ConcurrentHashMap<>();
  private final AtomicLong dirtyEpoch = new AtomicLong();
  private volatile boolean dirty;
  private volatile TtlArg ttlArg;

  RedisTier(String cacheName, String uri, String prefix, Duration timeout, Duration backoff, Duration tombstoneTtl) {
    this.cacheName = cacheName;
    this.prefix = prefix;
    this.timeoutNanos = timeout.toNanos();
    this.backoff = backoff;
    this.tombstoneMillis = tombstoneTtl.toMillis();
    this.cluster = uri.startsWith("redis-cluster://") || uri.startsWith("rediss-cluster://");
    List<RedisURI> uris = parse(cacheName, uri);
    this.uri = uri;
    this.uriForLogs = RedisUris.mask(uri);
    Duration connectTimeout = timeout.compareTo(Duration.ofMillis(500)) < 0 ? Duration.ofMillis(500) : timeout;
    SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).build();
    // Connecting also waits for the handshake (HELLO / PING), for the URI's timeout, 60 s by default:
    // a Redis that accepts connections but does not answer (paused, overloaded) would block build()
    // and the probe that long. Bounded like the TCP connect.
    uris.forEach(u -> u.setTimeout(connectTimeout));
    this.resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    if (cluster) {
      RedisClusterClient c = RedisClusterClient.create(resources, uris);
      c.setOptions(
          ClusterClientOptions.builder()
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .timeoutOptions(TimeoutOptions.enabled(timeout))
              .socketOptions(socket)
              .build());
      this.client = c;
    } else {
      RedisClient c = RedisClient.create(resources, uris.get(0));
      c.setOptions(
          ClientOptions.builder()
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .timeoutOptions(TimeoutOptions.enabled(timeout))
              .socketOptions(socket)
              .build());
      this.client = c;
    }
    this.prober =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "memgov-cache-" + cacheName + "-l2");
              t.setDaemon(true);
              return t;
            });
    try {
      connect();
      LOG.info("memgov cache '{}': L2 at {} (prefix '{}', timeout {} ms)", cacheName, uriForLogs, prefix,
          timeout.toMillis());
    } catch (RuntimeException e) {
      failed(e);
      markDown();
    }
  }

  /**
   * Parses and checks the URI; the message names what is accepted and shows the URI without its
   * user info. The parser's exception is not chained: its message may hold the password.
   */
  static List<RedisURI> parse(String cacheName, String uri) {
    String accepted = "redis://host:port[/db], rediss://..., redis-socket:///path/to/socket, "
        + "redis-sentinel://host:port[,host:port]#master, redis-cluster://host:port[,host:port] or rediss-cluster://...";
    try {
      if (uri.startsWith("redis-cluster://") || uri.startsWith("rediss-cluster://")) {
        boolean tls = uri.startsWith("rediss");
        String rest = uri.substring(uri.indexOf("://") + 3);
        List<RedisURI> out = new ArrayList<>();
        for (String hostPort : rest.split(",")) {
          if (hostPort.isBlank()) {
            continue;
          }
          out.add(RedisURI.create((tls ? "rediss://" : "redis://") + hostPort.trim()));
        }
        if (out.isEmpty()) {
          throw new IllegalArgumentException("no host");
        }
        return out;
      }
      if (!(uri.startsWith("redis://") || uri.startsWith("rediss://") || uri.startsWith("redis-sentinel://")
          || uri.startsWith("redis-socket://"))) {
        throw new IllegalArgumentException("unknown scheme");
      }
      RedisURI parsed = RedisURI.create(uri);
      if (parsed.getHost() != null && parsed.getHost().indexOf(',') >= 0) {
        // Lettuce takes "h1:1,h2:2" for one host name, whose connection would never succeed
        throw new IllegalArgumentException("several hosts need redis-sentinel:// or redis-cluster://");
      }
      return List.of(parsed);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "memgov cache '" + cacheName + "': redis must be one of " + accepted + ", but was '" + RedisUris.mask(uri)
              + "' (" + RedisUris.scrub(e.getMessage(), uri) + ")");
    }
  }

  private synchronized void connect() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (connection != null && connection.isOpen()) {
      return;
    }
    if (connection != null) {
      connection.closeAsync();
    }
    if (cluster) {
      var c = ((RedisClusterClient) client).connect(CODEC);
      connection = c;
      commands = c.async();
    } else {
      var c = ((RedisClient) client).connect(CODEC);
      connection = c;
      commands = c.async();
    }
  }

  String prefix() {
    return prefix;
  }

  /** Whether reads use L2: not down, not closed, and the prefix not awaiting its purge. */
  boolean isUp() {
    return !down && !closed && !dirty;
  }

  long errors() {
    return errors.sum();
  }

  String state() {
    if (closed) {
      return "l2 closed";
    }
    String s = down
        ? "l2 down (errors " + errors.sum() + ", last: " + lastError + "; probing every " + backoff.toMillis() + " ms)"
        : "l2 up (errors " + errors.sum() + ")";
    if (dirty) {
      s += ", l2 prefix awaiting purge";
    } else if (!pending.isEmpty()) {
      s += ", " + pending.size() + " l2 keys awaiting repair";
    }
    return s;
  }

  /**
   * The stored bytes, null when absent, or {@link #SKIPPED} when L2 is skipped or failed. A caller
   * whose thread is interrupted skips L2 (it is asked to stop, not to wait on Redis); that is no
   * L2 failure, and its interrupt flag stays set.
   */
  byte[] get(String key) {
    if (down || dirty || closed || (!pending.isEmpty() && pending.containsKey(key))
        || Thread.currentThread().isInterrupted()) {
      return SKIPPED;
    }
    try {
      byte[] v = await(c -> c.get(key));
      succeeded();
      return v;
    } catch (InterruptedException e) {
      return SKIPPED; // interrupted while waiting: flag restored by await, not a Redis failure
    } catch (Exception e) {
      failed(e);
      return SKIPPED;
    }
  }

  /**
   * Writes the value with a TTL (0 = none). A failed write marks the key pending. An interrupted
   * caller still waits for Redis, at most the timeout, ignoring the interrupt, which it then
   * restores: skipping the write would leave the value it replaces in Redis for every other instance
   * on the prefix to read until repair replaced it. No interrupt counts as an L2 failure.
   */
  void set(String key, byte[] value, long ttlMillis) {
    SetArgs args = new SetArgs();
    if (ttlMillis > 0) {
      args.px(ttlMillis);
    }
    writeOrPending(key, c -> c.set(key, value, args));
  }

  /**
   * Sends a write of {@code key} and waits for it even when the caller is interrupted (at most the
   * timeout; the flag is restored after); when L2 is down, or the write fails, the key is pending.
   */
  private <T> void writeOrPending(String key, Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> op) {
    if (down || closed) {
      markPending(key);
      return;
    }
    try {
      awaitUninterruptibly(op);
      succeeded();
    } catch (Exception e) {
      failed(e);
      markPending(key);
    }
  }

  /** What {@link #setIfUnchanged} did. */
  enum Publish {
    /** Written. */
    WRITTEN,
    /**
     * Not written because the key changed since the read (a put, an invalidation), or the read is
     * older than half the tombstone TTL: the loaded value may be out of date, keep it nowhere.
     */
    REFUSED,
    /**
     * Not sent or not answered (L2 down, the key pending, the prefix awaiting its purge, the caller
     * interrupted, a failure).
     */
    SKIPPED
  }

  /**
   * Writes a value a read loaded, with a TTL (0 = none), only if the key still holds what that
   * read saw: {@code seen} is the tombstone it read, or null when it read nothing (or did not read
   * L2). So a concurrent put's newer value wins, and so does an invalidation (by any instance) that
   * came after the read: the loaded value may predate it. A read that saw nothing and began at
   * least half the tombstone TTL ago ({@code readAtNanos}, {@link System#nanoTime()}) is refused
   * without asking Redis: a tombstone written after it may have expired already. Not attempted for
   * a pending key, nor while the prefix awaits its purge (the read skipped L2, so what the key holds
   * tells nothing about a change after it), nor by an interrupted caller (interrupted while waiting,
   * it is left to land or not: it holds the value just loaded, right either way). A failure here
   * marks nothing pending: nothing was replaced.
   */
  Publish setIfUnchanged(String key, byte[] value, long ttlMillis, byte[] seen, long readAtNanos) {
    if (down || closed || dirty || (!pending.isEmpty() && pending.containsKey(key))
        || Thread.currentThread().isInterrupted()) {
      return Publish.SKIPPED;
    }
    if (seen == null && tombstoneMillis > 0 && System.nanoTime() - readAtNanos >= tombstoneMillis * 500_000L) {
      return Publish.REFUSED;
    }
    byte[] expected = seen == null ? EXPECT_ABSENT : seen;
    byte[] ttl = ttlArgument(ttlMillis);
    String[] keys = {key};
    try {
      String r = await(c -> c.<String>eval(SET_IF_UNCHANGED, ScriptOutputType.STATUS, keys, value, expected, ttl));
      succeeded();
      return "OK".equals(r) ? Publish.WRITTEN : Publish.REFUSED;
    } catch (InterruptedException e) {
      return Publish.SKIPPED; // flag restored by await, not a Redis failure
    } catch (Exception e) {
      failed(e);
      return Publish.SKIPPED;
    }
  }

  /** The script's TTL argument: the decimal millis, made once per distinct TTL (a cache has one). */
  private byte[] ttlArgument(long ttlMillis) {
    long t = Math.max(0, ttlMillis);
    TtlArg memo = ttlArg;
    if (memo == null || memo.millis != t) {
      memo = new TtlArg(t, Long.toString(t).getBytes(StandardCharsets.US_ASCII));
      ttlArg = memo;
    }
    return memo.bytes;
  }

  /** A TTL and its decimal bytes, published together. */
  private record TtlArg(long millis, byte[] bytes) {}

  /**
   * Marks the key invalidated: writes a fresh tombstone for the tombstone TTL (or deletes the key
   * when that is 0). A failure marks it pending. Like a plain write it waits for Redis even when
   * the caller is interrupted (restoring the flag after), so other instances stop reading the value.
   */
  void invalidate(String key) {
    writeOrPending(key, bury(key));
  }

  /** The command that marks the key invalidated: SET tombstone PX ttl, or DEL without tombstones. */
  @SuppressWarnings("unchecked")
  private <T> Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> bury(String key) {
    if (tombstoneMillis <= 0) {
      return c -> (RedisFuture<T>) c.del(key);
    }
    byte[] t = StoredForm.tombstone();
    return c -> (RedisFuture<T>) c.set(key, t, SetArgs.Builder.px(tombstoneMillis));
  }

  /**
   * Deletes the key (a corrupt or foreign value); a failure marks it pending. Like a plain write it
   * waits for Redis even when the caller is interrupted (restoring the flag after).
   */
  void delete(String key) {
    writeOrPending(key, c -> c.del(key));
  }

  /**
   * A pipelined spill: {@link Spill#send} sends one SET NX (written only where L2 has no value)
   * without waiting, {@link Spill#await} waits for them all. Null when L2 is skipped.
   */
  Spill startSpill() {
    if (down || closed || dirty) {
      return null;
    }
    RedisClusterAsyncCommands<String, byte[]> c = commands;
    return c == null ? null : new Spill(c);
  }

  /** One spill's commands; used by one thread. */
  final class Spill {
    private final RedisClusterAsyncCommands<String, byte[]> c;
    private final List<RedisFuture<String>> futures = new ArrayList<>();

    private Spill(RedisClusterAsyncCommands<String, byte[]> c) {
      this.c = c;
    }

    /**
     * Sends SET key value NX [PX ttl] unless the key is pending (its L2 value may be stale). A key
     * invalidated within the tombstone TTL holds its tombstone, so the spill does not bring it back.
     */
    void send(String key, byte[] value, long ttlMillis) {
      if (!pending.isEmpty() && pending.containsKey(key)) {
        return;
      }
      futures.add(c.set(key, value, ttlMillis > 0 ? SetArgs.Builder.nx().px(ttlMillis) : SetArgs.Builder.nx()));
    }

    /** Waits for what was sent (the timeout plus 20 µs per command); returns how many were written. */
    int await() {
      int written = 0;
      long deadline = System.nanoTime() + timeoutNanos + futures.size() * 20_000L;
      try {
        for (RedisFuture<String> f : futures) {
          String r = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if ("OK".equals(r)) {
            written++;
          }
        }
        if (!futures.isEmpty()) {
          succeeded();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // stop waiting; what was sent lands or not, no Redis failure
      } catch (Exception e) {
        failed(e);
      }
      return written;
    }
  }

  /**
   * Deletes every key under this cache's prefix with SCAN + DEL (never KEYS).
   *
   * @return keys deleted
   * @throws IllegalStateException when L2 is down or a call fails
   */
  long clear() {
    if (closed) {
      throw new IllegalStateException("L2 is closed");
    }
    if (down) {
      markDirty();
      throw new IllegalStateException("L2 is down (" + lastError + ")" + PURGE_LATER);
    }
    try {
      long n = scanDelete();
      succeeded();
      return n;
    } catch (InterruptedException e) {
      markDirty();
      throw new IllegalStateException("L2 clear interrupted" + PURGE_LATER, e);
    } catch (Exception e) {
      failed(e);
      markDirty();
      throw new IllegalStateException("L2 clear failed: " + describe(e) + PURGE_LATER, e);
    }
  }

  private static final String PURGE_LATER =
      "; reads skip L2 until this cache's keys have been purged, which is retried until Redis answers";

  /**
   * Marks the whole prefix as possibly stale: reads and fill-only writes skip L2 until the repair
   * has deleted every key under it (SCAN + DEL), which it retries every back-off until it succeeds.
   * A clear that failed part-way leaves what it was asked to remove in Redis; without this, those
   * values would be read again once Redis answers.
   */
  private void markDirty() {
    dirtyEpoch.incrementAndGet();
    dirty = true;
    pending.clear(); // the purge deletes them too
    scheduleRepair(backoff.toMillis()); // not at once: Redis has just failed (when down, one is due anyway)
  }

  private long scanDelete() throws Exception {
    ScanArgs args = ScanArgs.Builder.matches(globEscape(prefix) + "*").limit(500);
    long deleted = 0;
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      ScanCursor from = cursor;
      KeyScanCursor<String> page = await(c -> c.scan(from, args));
      List<String> keys = page.getKeys();
      if (!keys.isEmpty()) {
        String[] arr = keys.toArray(new String[0]);
        Long n = await(c -> c.del(arr));
        deleted += n == null ? 0 : n;
      }
      cursor = page;
    } while (!cursor.isFinished());
    return deleted;
  }

  static String globEscape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (char ch : s.toCharArray()) {
      if (ch == '*' || ch == '?' || ch == '[' || ch == ']' || ch == '\\') {
        b.append('\\');
      }
      b.append(ch);
    }
    return b.toString();
  }

  /**
   * Sends the command and waits for it, at most the timeout. Interrupted while waiting, it restores
   * the flag and throws {@link InterruptedException}, which callers do not count as a failure.
   */
  private <T> T await(Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> op) throws Exception {
    RedisFuture<T> f = send(op);
    try {
      return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw e;
    } catch (Exception e) {
      throw unwrap(f, e);
    }
  }

  /** Like {@link #await} but waits the timeout out through interrupts, then restores the flag. */
  private <T> T awaitUninterruptibly(Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> op)
      throws Exception {
    RedisFuture<T> f = send(op);
    long deadline = System.nanoTime() + timeoutNanos;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true; // the flag is clear now: the next get waits
        } catch (Exception e) {
          throw unwrap(f, e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private <T> RedisFuture<T> send(Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> op) {
    RedisClusterAsyncCommands<String, byte[]> c = commands;
    if (c == null) {
      throw new IllegalStateException("not connected");
    }
    return op.apply(c);
  }

  private Exception unwrap(RedisFuture<?> f, Exception e) {
    if (e instanceof TimeoutException) {
      f.cancel(false);
      return new TimeoutException("timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
    }
    if (e instanceof ExecutionException) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return cause instanceof Exception ? (Exception) cause : e;
    }
    return e;
  }

  private void succeeded() {
    if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
    if ((!pending.isEmpty() || dirty) && !down) {
      scheduleRepair(0);
    }
  }

  private void failed(Exception e) {
    errors.increment();
    lastError = describe(e);
    if (consecutiveFailures.incrementAndGet() >= FAILURE_THRESHOLD && !down) {
      markDown();
    }
  }

  /** The exception's type and message, without the URI's password. */
  private String describe(Exception e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + RedisUris.scrub(e.getMessage(), uri));
  }

  private synchronized void markDown() {
    if (down || closed) {
      return;
    }
    down = true;
    LOG.warn("memgov cache '{}': L2 {} is down after {} failures (last: {}); serving from L1 and the loader, "
        + "probing every {} ms", cacheName, uriForLogs, consecutiveFailures.get(), lastError, backoff.toMillis());
    scheduleRepair(backoff.toMillis());
  }

  private void markPending(String key) {
    if (pending.size() >= MAX_PENDING) {
      if (!dirty) {
        LOG.warn("memgov cache '{}': more than {} L2 writes failed; L2 is skipped until its prefix is purged",
            cacheName, MAX_PENDING);
      }
      markDirty();
      return;
    }
    pending.put(key, new Object());
  }

  private void scheduleRepair(long delayMillis) {
    if (closed || !repairScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      prober.schedule(this::repair, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) { // rejected after close
      repairScheduled.set(false);
    }
  }

  /** On the probe thread: reconnect if needed, PING, purge stale keys, then let calls through. */
  private void repair() {
    repairScheduled.set(false);
    if (closed) {
      return;
    }
    try {
      if (down) {
        connect();
        String pong = await(c -> c.ping());
        if (!"PONG".equals(pong)) {
          throw new IllegalStateException("PING answered " + pong);
        }
      }
      if (dirty) {
        long epoch = dirtyEpoch.get();
        long n = scanDelete();
        if (dirtyEpoch.get() == epoch) {
          dirty = false;
        }
        LOG.info("memgov cache '{}': purged {} possibly stale L2 keys", cacheName, n);
      }
      for (Map.Entry<String, Object> e : pending.entrySet()) {
        String key = e.getKey();
        await(bury(key)); // a tombstone: the write that failed may have left an older value
        pending.remove(key, e.getValue());
      }
      consecutiveFailures.set(0);
      if (down) {
        down = false;
        LOG.info("memgov cache '{}': L2 {} is back", cacheName, uriForLogs);
      }
    } catch (Exception e) {
      errors.increment();
      lastError = describe(e);
      if (!down) {
        markDown();
      } else {
        scheduleRepair(backoff.toMillis());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    prober.shutdownNow();
    // each step on its own: a connection that fails to close still leaves the client and its
    // threads to shut down
    StatefulConnection<String, byte[]> c = connection;
    if (c != null) {
      quietly("the connection", c::close);
    }
    quietly("the client", () -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
    quietly("the client resources", () -> resources.shutdown(0, 2, TimeUnit.SECONDS));
  }

  private void quietly(String what, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.debug("memgov cache '{}': closing L2, {}: {}", cacheName, what, e.toString());
    }
  }
}
