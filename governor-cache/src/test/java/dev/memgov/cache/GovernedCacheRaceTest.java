package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.CacheTier;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.Trigger;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Races between reads, loads and spills on one side and invalidate / clear on the other, made
 * deterministic with hooks in the key encoder and the codec: at the chosen moment the hook runs the
 * other operation on a second thread and waits until it has finished, or is blocked on a lock this
 * thread holds (then it runs after). Against a real Redis; a second cache instance on the same
 * prefix shows what L2 serves to other instances.
 */
class GovernedCacheRaceTest {

  private static TestRedis redis;
  private static RedisCommands<String, String> raw;

  private final Map<Integer, String> db = new ConcurrentHashMap<>();
  private final List<GovernedCache<?, ?>> caches = new ArrayList<>();
  private final List<Thread> racers = new ArrayList<>();
  private final AtomicReference<Throwable> racerFailure = new AtomicReference<>();
  private final Thread testThread = Thread.currentThread();
  /** Runs once, on the test thread, at the next key encoding. */
  private final AtomicReference<Runnable> onKeyEncode = new AtomicReference<>();
  /** Runs once, on the test thread, at the next value encoding. */
  private final AtomicReference<Runnable> onEncode = new AtomicReference<>();
  /** Runs once, on the test thread, at the next value decoding (an L2 hit, before it is filled into L1). */
  private final AtomicReference<Runnable> onDecode = new AtomicReference<>();
  /** Runs once, on the test thread, when the loader has read the database. */
  private final AtomicReference<Runnable> afterLoad = new AtomicReference<>();
  /** Racers whose action began to run. */
  private final AtomicInteger racersRun = new AtomicInteger();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = TestRedis.start();
    raw = redis.strings();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    new Cleanup().close(redis).done();
  }

  @BeforeEach
  void flush() {
    raw.flushall();
  }

  @AfterEach
  void closeCaches() throws Exception {
    try {
      for (Thread t : racers) {
        t.join(10_000);
      }
    } finally {
      Cleanup cleanup = new Cleanup();
      caches.forEach(cleanup::close);
      cleanup.done();
    }
    for (Thread t : racers) {
      assertThat(t.isAlive()).as("racer still running").isFalse();
    }
    assertThat(racerFailure.get()).isNull();
    assertThat(armedHooks()).as("hooks armed but never fired: the race they set up did not happen").isEmpty();
  }

  /** The hooks still armed (set, and not yet run). */
  private List<String> armedHooks() {
    Map<String, AtomicReference<Runnable>> hooks = new LinkedHashMap<>();
    hooks.put("onKeyEncode", onKeyEncode);
    hooks.put("onEncode", onEncode);
    hooks.put("onDecode", onDecode);
    hooks.put("afterLoad", afterLoad);
    List<String> armed = new ArrayList<>();
    hooks.forEach((name, hook) -> {
      if (hook.get() != null) {
        armed.add(name);
      }
    });
    return armed;
  }

  private void fire(AtomicReference<Runnable> hook) {
    if (Thread.currentThread() == testThread) {
      Runnable r = hook.getAndSet(null);
      if (r != null) {
        r.run();
      }
    }
  }

  /**
   * The cache under test: values are strings, weighed by length (so weighing never encodes).
   * Without tombstones: these races test the instance's own ordering (L1's lock, the stripe and
   * clear counters), which must hold with tombstones off too; a tombstone would hide a missing check
   * (GovernedCacheRedisTest tests the tombstones).
   */
  private GovernedCache<Integer, String> cache(String name, long budget, boolean loader) {
    var b = GovernedCache.<Integer, String>builder(name, ValueCodec.of(
            (String v) -> {
              fire(onEncode);
              return v.getBytes(StandardCharsets.UTF_8);
            },
            bytes -> {
              fire(onDecode);
              return new String(bytes, StandardCharsets.UTF_8);
            }))
        .weigher(String::length)
        .l1Budget(budget)
        .redis(redis.uri())
        .l2Timeout(Duration.ofSeconds(2))
        .l2TombstoneTtl(Duration.ZERO)
        .keyEncoder(k -> {
          fire(onKeyEncode);
          return String.valueOf(k);
        });
    if (loader) {
      b.loader(k -> {
        String v = db.get(k);
        fire(afterLoad);
        return v;
      });
    }
    GovernedCache<Integer, String> c = b.build();
    caches.add(c);
    return c;
  }

  /** A second instance on the same prefix, without a loader: what L2 serves to everyone else. */
  private GovernedCache<Integer, String> other(String name) {
    GovernedCache<Integer, String> c =
        GovernedCache.<Integer, String>builder(name, ValueCodec.utf8()).redis(redis.uri()).build();
    caches.add(c);
    return c;
  }

  /**
   * Runs the action on another thread and waits until it has finished or is blocked on a lock
   * (which this thread holds: it then completes after this thread lets go).
   */
  private void alongside(Runnable action) {
    Thread t = new Thread(() -> {
      racersRun.incrementAndGet();
      try {
        action.run();
      } catch (Throwable e) {
        racerFailure.compareAndSet(null, e);
      }
    }, "racer");
    racers.add(t);
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Thread.State s = t.getState();
      if (s == Thread.State.TERMINATED || s == Thread.State.BLOCKED || s == Thread.State.WAITING) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the racer neither finished nor blocked within 10 s");
  }

  /**
   * Waits for the racers, right after the operation they raced, and checks that the race took
   * place: every armed hook fired (a refactor that stops calling a hook would otherwise let the
   * test pass without racing), and at least one racer ran to its end without failing.
   */
  private void joinRacers() throws InterruptedException {
    for (Thread t : racers) {
      t.join(10_000);
      assertThat(t.isAlive()).as("racer still running").isFalse();
    }
    assertThat(racerFailure.get()).isNull();
    assertThat(armedHooks()).as("hooks armed but never fired: the race they set up did not happen").isEmpty();
    assertThat(racers).as("racers started by the hooks").isNotEmpty();
    assertThat(racersRun).as("racers that ran").hasValue(racers.size());
  }

  private static ReclaimRequest request(CleanupLevel level) {
    return new ReclaimRequest(level, 0, Trigger.API);
  }

  // ------------------------------------------------------------------ finding: L1 refilled from L2 mid-invalidate

  @Test
  void aGetRacingAnInvalidateLeavesNoOldValueInL1() throws Exception {
    var c = cache("inv-l1", 1 << 20, true);
    db.put(1, "old");
    assertThat(c.get(1)).isEqualTo("old");
    db.put(1, "new");

    // When a get runs in the middle of invalidate(1) (at its Redis key encoding)
    onKeyEncode.set(() -> alongside(() -> c.get(1)));
    c.invalidate(1);
    joinRacers();

    // Then nothing old is left: not in L1, not in L2
    assertThat(c.get(1)).isEqualTo("new");
    assertThat(other("inv-l1").getIfPresent(1)).isEqualTo("new");
  }

  @Test
  void aGetThatRefillsL1FromL2DuringAPutLeavesThePutsValueInL1() throws Exception {
    // Given "old" in both tiers, then an emergency: L1 cleared, admission stopped
    var c = cache("put-refill", 1 << 20, false);
    c.put(1, "old");
    c.reclaim(request(CleanupLevel.EMERGENCY));

    // When, in the middle of put(1, "new") (at its Redis key encoding), the calm restore resumes
    // admission and a get refills L1 from what L2 holds
    onKeyEncode.set(() -> {
      c.restore(new RestoreRequest(100));
      alongside(() -> c.get(1));
    });
    c.put(1, "new");
    joinRacers();

    // Then this instance serves the put's value, not the one the get read before the write
    assertThat(c.getIfPresent(1)).isEqualTo("new");
    assertThat(other("put-refill").getIfPresent(1)).isEqualTo("new");
  }

  @Test
  void anL2HitRacingClearAllLeavesNoOldValueInL1() throws Exception {
    var c = cache("clr-l1", 1 << 20, true);
    db.put(1, "old");
    assertThat(c.get(1)).isEqualTo("old");
    c.clear(CacheTier.L1); // L2 holds "old", L1 nothing
    db.put(1, "new");

    // When clear(ALL) runs while a get has read "old" from L2 and not yet filled it into L1
    onDecode.set(() -> alongside(() -> c.clear(CacheTier.ALL)));
    assertThat(c.get(1)).isEqualTo("old"); // a read concurrent with the clear may see the old value
    joinRacers();

    // Then once both are done, the old value is gone from L1 (and L2)
    assertThat(c.get(1)).isEqualTo("new");
    assertThat(other("clr-l1").getIfPresent(1)).isEqualTo("new");
  }

  // ------------------------------------------------------------------ finding: loads and spills write back deleted keys

  @Test
  void aLoadRacingAnInvalidateDoesNotWriteTheOldValueBackToL2() throws Exception {
    var c = cache("load-inv", 1 << 20, true);
    db.put(1, "old");

    // When, after the loader has read "old", the database changes and invalidate(1) runs before
    // the loaded value is written to L2
    afterLoad.set(() -> onEncode.set(() -> {
      db.put(1, "new");
      alongside(() -> c.invalidate(1));
    }));
    assertThat(c.get(1)).isEqualTo("old"); // concurrent with the invalidate
    joinRacers();

    // Then neither L2 (another instance) nor L1 serves "old"
    assertThat(other("load-inv").getIfPresent(1)).isNull();
    assertThat(c.get(1)).isEqualTo("new");
  }

  @Test
  void aLoadWhileAdmissionIsStoppedRacingAnInvalidateDoesNotWriteTheOldValueBackToL2() throws Exception {
    var c = cache("load-inv-stopped", 1 << 20, true);
    c.put(99, "x");
    c.reclaim(request(CleanupLevel.EMERGENCY));
    assertThat(c.admissionStopped()).isTrue();
    db.put(1, "old");

    afterLoad.set(() -> onEncode.set(() -> {
      db.put(1, "new");
      alongside(() -> c.invalidate(1));
    }));
    assertThat(c.get(1)).isEqualTo("old");
    joinRacers();

    assertThat(other("load-inv-stopped").getIfPresent(1)).isNull();
    assertThat(c.get(1)).isEqualTo("new");
  }

  @Test
  void aLoadRacingClearAllDoesNotWriteTheOldValueBackToEitherTier() throws Exception {
    var c = cache("load-clr", 1 << 20, true);
    db.put(1, "old");

    afterLoad.set(() -> onEncode.set(() -> {
      db.put(1, "new");
      alongside(() -> c.clear(CacheTier.ALL));
    }));
    assertThat(c.get(1)).isEqualTo("old");
    joinRacers();

    assertThat(other("load-clr").getIfPresent(1)).isNull();
    assertThat(c.get(1)).isEqualTo("new");
  }

  @Test
  void aSpillDoesNotResurrectAKeyInvalidatedAfterItsEviction() throws Exception {
    var c = cache("spill-inv", 100_000, false);
    for (int i = 0; i < 150; i++) {
      c.put(i, "v" + i + "-" + "x".repeat(200));
    }
    c.settle();
    raw.flushall(); // L2 lost its copies: the shrink's evictions are spilled

    // When a key the shrink evicted is invalidated before the spill sends it
    AtomicReference<Integer> invalidated = new AtomicReference<>();
    onKeyEncode.set(() -> {
      // the spill encodes the Redis keys of what was evicted: invalidate the first one not in L1
      for (int i = 0; i < 150; i++) {
        if (!c.inL1(i)) {
          int k = i;
          invalidated.set(k);
          alongside(() -> c.invalidate(k));
          return;
        }
      }
    });
    c.reclaim(request(CleanupLevel.STANDARD));
    joinRacers();

    // Then the spill wrote the other evicted entries but not that one
    assertThat(invalidated.get()).isNotNull();
    assertThat(c.stats().spilledToL2()).isPositive();
    assertThat(raw.exists("memgov:spill-inv:" + invalidated.get())).isZero();
    assertThat(c.getIfPresent(invalidated.get())).isNull();
  }

  @Test
  void aSpillDoesNotResurrectKeysClearedAfterTheirEviction() throws Exception {
    var c = cache("spill-clr", 100_000, false);
    for (int i = 0; i < 150; i++) {
      c.put(i, "v" + i + "-" + "x".repeat(200));
    }
    c.settle();
    raw.flushall();

    // When clear(ALL) runs after the shrink evicted entries, before the spill sends them
    onKeyEncode.set(() -> alongside(() -> c.clear(CacheTier.ALL)));
    c.reclaim(request(CleanupLevel.STANDARD));
    joinRacers();

    // Then nothing comes back in L2
    assertThat(raw.keys("memgov:spill-clr:*")).isEmpty(); // test inspection only
    for (int i = 0; i < 150; i++) {
      assertThat(c.getIfPresent(i)).isNull();
    }
  }
}
