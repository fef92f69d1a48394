package dev.memgov.cache.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memgov.cache.CacheMetrics;
import dev.memgov.cache.Cleanup;
import dev.memgov.cache.GovernedCache;
import dev.memgov.cache.JsonLike;
import dev.memgov.cache.TestRedis;
import dev.memgov.cache.ValueCodec;
import dev.memgov.core.CacheTier;
import dev.memgov.core.ClearResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Given a cache with a small L1 over a real Redis and a "database" behind its loader, under a
 * concurrent get/put load; when Redis is paused (SIGSTOP), then killed (SIGKILL), then restarted;
 * then no caller sees an exception, every value read is the current one, and L2 is used again.
 */
class RedisFaultTest {

  private static final int KEYS = 400;
  private static final int THREADS = 4;
  private static final String PAD = JsonLike.of(1200, 42);

  private TestRedis redis;
  private GovernedCache<Integer, String> cache;
  private final Map<Integer, String> database = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Throwable> exceptions = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
  private final AtomicLong ops = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();

  @BeforeEach
  void setUp() throws Exception {
    redis = TestRedis.start();
    for (int k = 0; k < KEYS; k++) {
      database.put(k, value(k, 0));
    }
    cache = GovernedCache.<Integer, String>builder("faults", ValueCodec.utf8())
        .l1Budget(48 * 1024) // ~30 entries: most reads go below L1
        .redis(redis.uri())
        .l2Timeout(Duration.ofMillis(200)) // short, but no flapping on a slow or loaded machine
        .l2Backoff(Duration.ofMillis(200))
        .loader(database::get)
        .build();
  }

  @AfterEach
  void tearDown() throws Exception {
    stop.set(true);
    new Cleanup().close(cache).close(redis).done();
  }

  private static String value(int key, long version) {
    return key + ":" + version + ":" + PAD;
  }

  /** Thread t is the only writer of keys k with k % THREADS == t, so it knows their current value. */
  private void load(int t) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long[] versions = new long[KEYS];
    while (!stop.get()) {
      int k = r.nextInt(KEYS);
      try {
        if (k % THREADS == t && r.nextInt(4) == 0) {
          String v = value(k, ++versions[k]);
          database.put(k, v); // write-through: the source of truth first, then the cache
          cache.put(k, v);
        } else {
          String got = cache.get(k);
          if (got == null || !got.startsWith(k + ":") || !got.endsWith(PAD)) {
            wrong.add("key " + k + " read " + (got == null ? "null" : got.substring(0, Math.min(20, got.length()))));
          } else if (k % THREADS == t && !got.equals(value(k, versions[k]))) {
            wrong.add("key " + k + " read version " + got.split(":")[1] + ", current " + versions[k]);
          }
        }
      } catch (Throwable e) {
        exceptions.add(e);
      }
      ops.incrementAndGet();
    }
  }

  private void awaitOps(long more) {
    long target = ops.get() + more;
    await().atMost(Duration.ofSeconds(30)).until(() -> ops.get() >= target);
  }

  @Test
  void redisPausedThenKilledThenRestartedDegradesServiceNeverCorrectness() throws Exception {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int id = t;
      Thread th = new Thread(() -> load(id), "load-" + t);
      th.start();
      threads.add(th);
    }

    // Given L2 in use
    await().atMost(Duration.ofSeconds(30)).until(() -> cache.stats().l2Hits() > 200);

    // When Redis stops answering (SIGSTOP)
    redis.pause();
    await().atMost(Duration.ofSeconds(10)).until(() -> !cache.l2Up());
    assertThat(cache.state()).contains("l2 down (errors ");
    long loadsWhilePaused = cache.stats().loads();
    awaitOps(3000);
    assertThat(cache.stats().loads()).isGreaterThan(loadsWhilePaused); // served by the loader

    // and then dies (SIGKILL)
    redis.kill();
    awaitOps(3000);
    assertThat(cache.l2Up()).isFalse();

    // Then, once Redis is back, L2 recovers by itself
    redis.restart();
    await().atMost(Duration.ofSeconds(20)).until(cache::l2Up);
    long l2HitsAfter = cache.stats().l2Hits();
    await().atMost(Duration.ofSeconds(30)).until(() -> cache.stats().l2Hits() > l2HitsAfter + 200);

    stop.set(true);
    for (Thread th : threads) {
      th.join(10_000);
    }
    assertThat(exceptions).as("exceptions reaching callers").isEmpty();
    assertThat(wrong).as("wrong values read").isEmpty();
    assertThat(cache.stats().l2Errors()).isPositive();
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.state().contains("l2 up"));
    System.out.println("fault test: " + ops.get() + " ops, " + cache.stats());
  }

  @Test
  void aClearThatFailedOnAPausedRedisIsFinishedOnceRedisAnswersAndItsValuesAreNeverReadBack() throws Exception {
    for (int k = 0; k < 20; k++) {
      cache.put(k, value(k, 1));
    }
    redis.pause();
    ClearResult r = cache.clear(CacheTier.ALL);
    assertThat(r.error()).as("the clear failed against a paused Redis").contains("L2 clear failed")
        .contains("purged");
    assertThat(r.l1Entries()).isEqualTo(20);
    assertThat(cache.state()).contains("l2 prefix awaiting purge");
    redis.resume();

    // the values the clear was asked to remove are not read back from Redis, before the purge or after
    for (int k = 0; k < 20; k++) {
      assertThat(cache.getIfPresent(k)).as("key %d", k).isNull();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> !cache.state().contains("awaiting purge"));
    for (int k = 0; k < 20; k++) {
      assertThat(cache.getIfPresent(k)).as("key %d after the purge", k).isNull();
    }
    // L2 serves again
    cache.put(100, value(100, 1));
    cache.clear(CacheTier.L1);
    assertThat(cache.getIfPresent(100)).isEqualTo(value(100, 1));
  }

  @Test
  void aBuildAgainstARedisThatAcceptsConnectionsButDoesNotAnswerReturnsWithinTheConnectTimeout() throws Exception {
    // Given a Redis that accepts connections but answers nothing (SIGSTOP: the kernel still accepts)
    redis.pause();

    // When a cache is built against it
    long start = System.nanoTime();
    try (GovernedCache<Integer, String> late = GovernedCache.<Integer, String>builder("faults-late", ValueCodec.utf8())
        .redis(redis.uri()).l2Timeout(Duration.ofMillis(200)).l2Backoff(Duration.ofMillis(200))
        .loader(database::get).build()) {
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      // Then the build returns after about the connect timeout (500 ms here), not Lettuce's 60 s default
      assertThat(tookMillis).as("build() against a paused Redis, in ms").isLessThan(5_000);
      assertThat(late.l2Up()).isFalse();
      assertThat(late.get(1)).isEqualTo(value(1, 0)); // served by the loader

      // and L2 joins once Redis answers
      redis.resume();
      await().atMost(Duration.ofSeconds(20)).until(late::l2Up);
    }
  }

  @Test
  void whileThePrefixAwaitsItsPurgeALoadedValueIsKeptInL1AndNoWriteCountsAsRefused() throws Exception {
    // Given a cache whose purge after a failed clear comes only after a long back-off
    try (GovernedCache<Integer, String> slow = GovernedCache.<Integer, String>builder("faults-dirty", ValueCodec.utf8())
        .redis(redis.uri()).l2Timeout(Duration.ofMillis(200)).l2Backoff(Duration.ofMinutes(5))
        .loader(database::get).build()) {
      slow.put(1, value(1, 0)); // in Redis
      redis.pause();
      assertThat(slow.clear(CacheTier.ALL).error()).contains("L2 clear failed");
      redis.resume();
      assertThat(slow.state()).contains("l2 prefix awaiting purge");

      // When a read loads the key (L2 is skipped: Redis may still hold what the clear was to remove)
      assertThat(slow.get(1)).isEqualTo(value(1, 0));

      // Then the loaded value is kept in L1 like any load that did not read L2, and nothing was refused:
      // no read saw the key, so no change after a read
      assertThat(slow.stats().l2RefusedWrites()).isZero();
      assertThat(slow.get(1)).isEqualTo(value(1, 0));
      assertThat(slow.stats().loads()).as("the second read is an L1 hit").isEqualTo(1);
    }
  }

  @Test
  void whileThePrefixAwaitsItsPurgeL2IsNotReportedUp() throws Exception {
    // Given a cache whose purge after a failed clear comes only after a long back-off
    try (GovernedCache<Integer, String> slow = GovernedCache.<Integer, String>builder("faults-dirty-up",
        ValueCodec.utf8()).redis(redis.uri()).l2Timeout(Duration.ofMillis(200)).l2Backoff(Duration.ofMinutes(5))
        .build()) {
      var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
      new CacheMetrics(slow).bindTo(registry);
      slow.put(1, value(1, 0));
      assertThat(registry.get("memgov.cache.l2.up").gauge().value()).isEqualTo(1.0);

      // When a clear fails on a paused Redis, which then answers again
      redis.pause();
      assertThat(slow.clear(CacheTier.ALL).error()).contains("L2 clear failed");
      redis.resume();

      // Then, while reads skip L2 until the purge, neither l2Up() nor the l2.up gauge says it is used
      assertThat(slow.state()).contains("l2 prefix awaiting purge");
      assertThat(slow.getIfPresent(1)).as("L2 is skipped").isNull();
      assertThat(slow.l2Up()).isFalse();
      assertThat(registry.get("memgov.cache.l2.up").gauge().value()).isZero();
    }
  }

  @Test
  void anInvalidationThatFailedWhileRedisWasGoneIsRepairedWithATombstone() throws Exception {
    cache.put(7, value(7, 1));
    redis.kill();
    cache.invalidate(7);
    assertThat(cache.state()).contains("1 l2 keys awaiting repair");
    redis.restart();
    // an old value under the key when Redis is back (what the failed invalidation should have removed)
    byte[] stale = "stale".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .until(() -> "OK".equals(redis.bytes().set("memgov:faults:7", stale)));
    // the next call that reaches Redis starts the repair
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      cache.getIfPresent(8);
      return !cache.state().contains("awaiting repair");
    });
    byte[] stored = redis.bytes().get("memgov:faults:7");
    assertThat(stored).as("the repair wrote a tombstone, which another instance's spill cannot overwrite")
        .hasSize(10).startsWith((byte) 0xCA, (byte) 0x12);
    assertThat(cache.getIfPresent(7)).isNull();
  }
}
