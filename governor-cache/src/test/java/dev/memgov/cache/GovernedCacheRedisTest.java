package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memgov.core.CacheTier;
import dev.memgov.core.ClearResult;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.Trigger;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** L2 behaviour against a real Redis server started for this class. */
class GovernedCacheRedisTest {

  private static TestRedis redis;
  private static RedisCommands<String, byte[]> raw;

  private final List<GovernedCache<?, ?>> caches = new ArrayList<>();
  private final AtomicInteger loads = new AtomicInteger();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = TestRedis.start();
    raw = redis.bytes();
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
    Cleanup cleanup = new Cleanup();
    caches.forEach(cleanup::close);
    cleanup.done();
  }

  private static String value(int i, int size) {
    return JsonLike.of(size, i);
  }

  private GovernedCache<Integer, String> cache(String name, long budget, boolean loader) {
    var b = GovernedCache.<Integer, String>builder(name, ValueCodec.utf8()).l1Budget(budget).redis(redis.uri())
        .l2Timeout(Duration.ofSeconds(2));
    if (loader) {
      b.loader(k -> {
        loads.incrementAndGet();
        return value(k, 2000);
      });
    }
    GovernedCache<Integer, String> c = b.build();
    caches.add(c);
    return c;
  }

  @Test
  void bothCodecsRoundTripThroughL2() {
    var bytes = GovernedCache.<String, byte[]>builder("bin", ValueCodec.bytes()).redis(redis.uri()).build();
    caches.add(bytes);
    byte[] v = {0, (byte) 0xFF, 7};
    bytes.put("k", v);
    bytes.clear(CacheTier.L1);
    assertThat(bytes.get("k")).containsExactly(v);
    assertThat(bytes.stats().l2Hits()).isEqualTo(1);

    var text = cache("text", 1 << 20, false);
    text.put(1, "grüße 😀");
    text.clear(CacheTier.L1);
    assertThat(text.get(1)).isEqualTo("grüße 😀");
    assertThat(raw.exists("memgov:text:1")).isEqualTo(1);
  }

  @Test
  void aKeyEncoderThatReturnsNullIsRefusedAndNothingIsWrittenOrServed() {
    // Given a cache whose key encoder returns null for odd keys (every such key would be '<prefix>null')
    var c = GovernedCache.<Integer, String>builder("nullkeys", ValueCodec.utf8()).redis(redis.uri())
        .keyEncoder(k -> k % 2 == 0 ? "k" + k : null).loader(k -> value(k, 100)).build();
    caches.add(c);

    // When such a key is put, read or invalidated, Then the call fails with what was wrong
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.put(1, value(1, 100)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keyEncoder returned null")
        .hasMessageContaining("java.lang.Integer");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.get(3)).isInstanceOf(IllegalStateException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.invalidate(5)).isInstanceOf(IllegalStateException.class);

    // and nothing was written under the shared key, nor kept in L1 to be served later
    assertThat(raw.exists("memgov:nullkeys:null")).isZero();
    assertThat(c.footprintBytes()).isZero();
    // keys the encoder maps are unaffected
    c.put(2, "two");
    assertThat(raw.exists("memgov:nullkeys:k2")).isEqualTo(1);
  }

  @Test
  void valuesFromTheThresholdUpAreCompressedInRedisSmallOnesAreNot() {
    var c = cache("cmp", 1 << 20, false);
    c.put(1, value(1, 4096));
    c.put(2, value(2, 1023));
    byte[] big = raw.get("memgov:cmp:1");
    byte[] small = raw.get("memgov:cmp:2");
    assertThat(big[1] & StoredForm.FLAG_LZ4).isEqualTo(1);
    assertThat(big.length).isLessThan(4096 / 2 + 200);
    assertThat(small[1] & StoredForm.FLAG_LZ4).isZero();
    assertThat(small).hasSize(1023 + 6);
    c.clear(CacheTier.L1);
    assertThat(c.get(1)).isEqualTo(value(1, 4096));
    assertThat(c.get(2)).isEqualTo(value(2, 1023));

    var off = GovernedCache.<Integer, String>builder("off", ValueCodec.utf8()).redis(redis.uri())
        .compressionThreshold(Integer.MAX_VALUE).build();
    caches.add(off);
    off.put(1, value(1, 4096));
    assertThat(raw.get("memgov:off:1")).hasSize(4096 + 6);
  }

  @Test
  void ttlIsSetInRedisAndEntriesExpire() {
    var c = GovernedCache.<Integer, String>builder("ttl", ValueCodec.utf8()).redis(redis.uri())
        .ttl(Duration.ofMillis(700)).build();
    caches.add(c);
    c.put(1, "v");
    assertThat(raw.pttl("memgov:ttl:1")).isBetween(1L, 700L);
    await().atMost(Duration.ofSeconds(5)).until(() -> c.get(1) == null);
    assertThat(raw.exists("memgov:ttl:1")).isZero();
  }

  @Test
  void readThroughFillsL2AndASecondInstanceFillsUpwardFromL2() {
    var a = cache("shared", 1 << 20, true);
    assertThat(a.get(5)).isEqualTo(value(5, 2000));
    assertThat(loads).hasValue(1);
    assertThat(raw.exists("memgov:shared:5")).isEqualTo(1);

    var b = cache("shared", 1 << 20, true);
    assertThat(b.get(5)).isEqualTo(value(5, 2000));
    assertThat(loads).hasValue(1); // from L2, not the loader
    assertThat(b.stats().l2Hits()).isEqualTo(1);
    assertThat(b.inL1(5)).isTrue(); // filled upward
    assertThat(b.get(5)).isEqualTo(value(5, 2000));
    assertThat(b.stats().l1Hits()).isEqualTo(1);
  }

  @Test
  void entriesEvictedByAShrinkAreSpilledToL2() {
    var c = cache("spill", 400_000, false);
    for (int i = 0; i < 150; i++) {
      c.put(i, value(i, 2000));
    }
    c.clear(CacheTier.L2); // L2 lost its copies (e.g. Redis evicted them)
    assertThat(raw.dbsize()).isZero();
    c.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API));
    List<Integer> evicted = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      if (!c.inL1(i)) {
        evicted.add(i);
      }
    }
    assertThat(evicted).isNotEmpty();
    assertThat(c.stats().spilledToL2()).isEqualTo(evicted.size());
    long l2HitsBefore = c.stats().l2Hits();
    for (int i : evicted) {
      assertThat(c.getIfPresent(i)).isEqualTo(value(i, 2000));
    }
    assertThat(c.stats().l2Hits() - l2HitsBefore).isEqualTo(evicted.size());
    assertThat(c.rebuildCost()).isEqualTo(RebuildCost.CHEAP);
  }

  @Test
  void whatASpillCompressesForRedisCountsInTheCompressionSavings() {
    // Given values above the compression threshold in L1 only (Redis lost its copies)
    var c = cache("spillsaved", 400_000, false);
    for (int i = 0; i < 150; i++) {
      c.put(i, value(i, 2000));
    }
    c.clear(CacheTier.L2);
    long savedBefore = c.stats().compressionSavedBytes();

    // When a shrink spills them, LZ4-compressed, to Redis
    c.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API));
    assertThat(c.stats().spilledToL2()).isPositive();
    List<String> keys = raw.keys("memgov:spillsaved:*"); // test inspection only
    long spillSaved = 0;
    for (String k : keys) {
      byte[] stored = raw.get(k);
      assertThat(stored[1] & StoredForm.FLAG_LZ4).isEqualTo(1);
      spillSaved += StoredForm.read(stored).length - stored.length;
    }

    // Then the savings count them, as they count every put's and load's compressed L2 copy
    assertThat(c.stats().compressionSavedBytes() - savedBefore).isEqualTo(spillSaved);
  }

  @Test
  void spillKeepsTheRemainingTtl() {
    var c = GovernedCache.<Integer, String>builder("spillttl", ValueCodec.utf8()).l1Budget(400_000)
        .redis(redis.uri()).ttl(Duration.ofSeconds(60)).build();
    caches.add(c);
    for (int i = 0; i < 150; i++) {
      c.put(i, value(i, 2000));
    }
    c.clear(CacheTier.L2);
    c.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API));
    List<String> keys = raw.keys("memgov:spillttl:*"); // test inspection only
    assertThat(keys).isNotEmpty();
    for (String k : keys) {
      assertThat(raw.pttl(k)).isBetween(1L, 60_000L);
    }
  }

  @Test
  void aSpillOfAValueCompressedAtAnEarlierCutKeepsItsRemainingTtl() {
    AtomicLong nanos = new AtomicLong();
    var c = GovernedCache.<Integer, String>builder("spillaged", ValueCodec.utf8()).l1Budget(400_000)
        .redis(redis.uri()).ttl(Duration.ofSeconds(60)).ticker(nanos::get).restoreCeilingHold(Duration.ZERO).build();
    caches.add(c);
    // Given entries written at 0 (60 s ttl), compressed in place by an aggressive cut at 50 s
    for (int i = 0; i < 150; i++) {
      c.put(i, value(i, 2000));
    }
    nanos.addAndGet(Duration.ofSeconds(50).toNanos());
    c.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API));
    c.clear(CacheTier.L2);

    // When a later cut at 55 s spills them
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    c.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API));

    // Then each went to Redis with the 5 s its write had left, not a ttl counted from the compression
    List<String> keys = raw.keys("memgov:spillaged:*"); // test inspection only
    assertThat(keys).isNotEmpty();
    for (String k : keys) {
      assertThat(raw.pttl(k)).as(k).isBetween(1L, 5_000L);
    }
  }

  @Test
  void emergencyStopsL1AdmissionServingFromL2ThenResumes() {
    var c = cache("emerg", 1 << 20, true);
    for (int i = 0; i < 20; i++) {
      c.get(i);
    }
    assertThat(loads).hasValue(20);
    c.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
    assertThat(c.footprintBytes()).isZero();
    assertThat(raw.dbsize()).isEqualTo(20); // L2 is not cleared unless asked
    assertThat(c.get(3)).isEqualTo(value(3, 2000));
    assertThat(loads).hasValue(20); // served by L2
    assertThat(c.inL1(3)).isFalse(); // not admitted
    c.pressureChanged(PressureLevel.EMERGENCY, PressureLevel.NORMAL);
    c.get(3);
    assertThat(c.inL1(3)).isTrue();
  }

  @Test
  void clearByTierUsesOnlyThisCachesPrefix() {
    var a = cache("a", 1 << 20, false);
    var ab = cache("ab", 1 << 20, false); // "memgov:ab:" must survive clearing "memgov:a:"
    for (int i = 0; i < 1200; i++) {
      a.put(i, "v" + i);
    }
    ab.put(1, "x");
    raw.set("other:key", "y".getBytes(StandardCharsets.UTF_8));

    ClearResult l1 = a.clear(CacheTier.L1);
    assertThat(l1.l1Entries()).isEqualTo(1200);
    assertThat(l1.l2Keys()).isZero();
    assertThat(raw.dbsize()).isEqualTo(1202);

    ClearResult l2 = a.clear(CacheTier.L2);
    assertThat(l2).isEqualTo(new ClearResult("a", CacheTier.L2, 0, 0, 1200, null));
    assertThat(raw.exists("memgov:ab:1", "other:key")).isEqualTo(2);

    ab.put(2, "y");
    ClearResult all = ab.clear(CacheTier.ALL);
    assertThat(all.l1Entries()).isEqualTo(2);
    assertThat(all.l2Keys()).isEqualTo(2);
    assertThat(ab.getIfPresent(1)).isNull();
    assertThat(raw.exists("other:key")).isEqualTo(1);
  }

  @Test
  void clearEscapesTheGlobCharactersOfACustomPrefix() {
    String prefix = "a*[b]?\\"; // a*[b]?\ : every character special in a Redis glob
    var c = GovernedCache.<Integer, String>builder("glob", ValueCodec.utf8()).keyPrefix(prefix).redis(redis.uri())
        .l2Timeout(Duration.ofSeconds(2)).build();
    caches.add(c);
    for (int i = 0; i < 30; i++) {
      c.put(i, "v" + i);
    }
    // neighbours the unescaped pattern a*[b]?\* matches (an a, anything, a b, one character, a
    // literal *), planted beside the cache's keys
    List<String> neighbours = List.of("ab1*", "a:other-cache:b2*");
    for (String n : neighbours) {
      raw.set(n, "y".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(raw.keys(prefix + "*")).as("what the unescaped pattern would delete (test inspection only)")
        .containsAll(neighbours);
    assertThat(raw.exists(prefix + "0", prefix + "29")).isEqualTo(2);

    ClearResult r = c.clear(CacheTier.L2);

    assertThat(r).isEqualTo(new ClearResult("glob", CacheTier.L2, 0, 0, 30, null));
    assertThat(raw.keys("*")).as("only the neighbours are left (test inspection only)")
        .containsExactlyInAnyOrderElementsOf(neighbours);
  }

  @Test
  void corruptOrForeignBytesUnderAKeyAreACountedMiss() {
    var c = cache("corrupt", 1 << 20, true);
    raw.set("memgov:corrupt:1", "{\"foreign\":true}".getBytes(StandardCharsets.UTF_8));
    byte[] good = StoredForm.write(value(2, 4096).getBytes(StandardCharsets.UTF_8), 1024);
    good[good.length - 10] ^= 0x55;
    raw.set("memgov:corrupt:2", good);

    assertThat(c.get(1)).isEqualTo(value(1, 2000)); // from the loader
    assertThat(c.get(2)).isEqualTo(value(2, 2000));
    assertThat(c.getIfPresent(3)).isNull();
    assertThat(c.stats().corruptReads()).isEqualTo(2);
    assertThat(c.stats().l2Hits()).isZero();
    assertThat(loads).hasValue(2);
    // the loaded value replaced the bad bytes
    assertThat(StoredForm.read(raw.get("memgov:corrupt:1"))).isEqualTo(value(1, 2000).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aDecoderThrowingACheckedExceptionIsACountedMissNotAnError() {
    var c = GovernedCache.<Integer, Integer>builder("checked", ValueCodec.of(
            (Integer v) -> Integer.toString(v).getBytes(StandardCharsets.US_ASCII),
            b -> {
              if (b.length == 0 || !Character.isDigit(b[0])) {
                throw new java.io.IOException("not a number"); // checked, as a JSON mapper's read is
              }
              return Integer.parseInt(new String(b, StandardCharsets.US_ASCII));
            }))
        .redis(redis.uri()).l2Timeout(Duration.ofSeconds(2)).build();
    caches.add(c);
    raw.set("memgov:checked:1", StoredForm.write("x1".getBytes(StandardCharsets.US_ASCII), 1024));
    raw.set("memgov:checked:2", StoredForm.write("2".getBytes(StandardCharsets.US_ASCII), 1024));

    assertThat(c.getIfPresent(1)).isNull();
    assertThat(c.getIfPresent(2)).isEqualTo(2);
    assertThat(c.stats().corruptReads()).isEqualTo(1);
    assertThat(raw.exists("memgov:checked:1")).as("the unreadable value is deleted").isZero();
  }

  @Test
  void theUrisSchemeIsCaseInsensitive() {
    String upper = "REDIS" + redis.uri().substring("redis".length());
    var c = GovernedCache.<Integer, String>builder("upper", ValueCodec.utf8()).redis(upper).build();
    caches.add(c);
    c.put(1, "v");
    c.clear(CacheTier.L1);
    assertThat(c.get(1)).isEqualTo("v");
    assertThat(c.stats().l2Hits()).isEqualTo(1);
  }

  /** A cache on the test's Redis, closed after the test. */
  private GovernedCache<Integer, String> onRedis(String name, java.util.function.UnaryOperator<GovernedCacheBuilder<Integer, String>> options) {
    GovernedCache<Integer, String> c =
        options.apply(GovernedCache.<Integer, String>builder(name, ValueCodec.utf8()).redis(redis.uri())).build();
    caches.add(c);
    return c;
  }

  /** Whether Redis holds no value under the key: absent, or an invalidation's tombstone. */
  private static boolean holdsNoValue(String key) {
    byte[] v = raw.get(key);
    return v == null || StoredForm.isTombstone(v);
  }

  @Test
  void invalidateRemovesFromBothTiers() {
    var c = cache("inv", 1 << 20, false);
    c.put(1, "v");
    c.invalidate(1);
    assertThat(StoredForm.isTombstone(raw.get("memgov:inv:1"))).as("a tombstone in place of the value").isTrue();
    assertThat(c.get(1)).isNull();
    assertThat(c.stats().corruptReads()).as("a tombstone reads as absent, not as a foreign value").isZero();
    assertThat(c.stats().l2Misses()).isEqualTo(1);
    assertThat(c.stats().l2TombstoneReads()).isEqualTo(1);
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    new CacheMetrics(c).bindTo(registry);
    assertThat(registry.get("memgov.cache.l2.tombstones").tag("cache", "inv").functionCounter().count()).isEqualTo(1.0);
    assertThat(registry.get("memgov.cache.l2.refused").tag("cache", "inv").functionCounter().count()).isZero();
  }

  @Test
  void aTombstoneLivesForTheTtlPlusTheL2TimeoutPlusASecondOrAnHourWithoutTtl() {
    var withTtl = onRedis("tomb-ttl", b -> b.ttl(Duration.ofSeconds(60)));
    withTtl.put(1, "v");
    withTtl.invalidate(1);
    assertThat(raw.pttl("memgov:tomb-ttl:1")).as("ttl + l2Timeout + 1 s").isGreaterThan(61_000L).isLessThanOrEqualTo(61_100L);

    var noTtl = cache("tomb-none", 1 << 20, false);
    noTtl.put(1, "v");
    noTtl.invalidate(1);
    assertThat(raw.pttl("memgov:tomb-none:1")).isBetween(3_590_000L, 3_600_000L);

    var set = onRedis("tomb-set", b -> b.l2TombstoneTtl(Duration.ofSeconds(5)));
    set.put(1, "v");
    set.invalidate(1);
    assertThat(raw.pttl("memgov:tomb-set:1")).isBetween(4_000L, 5_000L);
  }

  @Test
  void withoutTombstonesInvalidateDeletesTheKey() {
    var c = onRedis("tomb-off", b -> b.l2TombstoneTtl(Duration.ZERO));
    c.put(1, "v");
    c.invalidate(1);
    assertThat(raw.exists("memgov:tomb-off:1")).isZero();
    assertThat(c.get(1)).isNull();
  }

  @Test
  void aLoadAfterAnInvalidationReplacesTheTombstoneForOtherInstances() {
    var a = cache("tomb-load", 1 << 20, true);
    var b = cache("tomb-load", 1 << 20, true);
    a.put(1, "old");
    a.invalidate(1);
    assertThat(a.get(1)).isEqualTo(value(1, 2000)); // the tombstone is absent: loaded
    assertThat(loads).hasValue(1);
    assertThat(b.get(1)).as("the loaded value replaced the tombstone in Redis").isEqualTo(value(1, 2000));
    assertThat(loads).hasValue(1);
    assertThat(b.stats().l2Hits()).isEqualTo(1);
    assertThat(a.stats().l2TombstoneReads()).isEqualTo(1);
    assertThat(a.stats().l2RefusedWrites()).as("the tombstone it read was still there: written").isZero();
  }

  @Test
  void aSpillDoesNotBringBackAValueAnotherInstanceInvalidated() {
    var a = cache("tomb-spill", 1 << 20, false);
    var b = cache("tomb-spill", 400_000, false);
    for (int i = 0; i < 150; i++) {
      b.put(i, value(i, 2000)); // b holds them in L1 (and Redis)
    }
    for (int i = 0; i < 150; i++) {
      a.invalidate(i); // another instance invalidates them all: the values changed
    }
    b.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API)); // b's shrink evicts and spills
    List<Integer> evicted = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      if (!b.inL1(i)) {
        evicted.add(i);
      }
    }
    assertThat(evicted).isNotEmpty();
    assertThat(b.stats().spilledToL2()).as("every spill found the key taken by its tombstone").isZero();
    for (int i : evicted) {
      assertThat(a.getIfPresent(i)).as("key %d", i).isNull();
      assertThat(holdsNoValue("memgov:tomb-spill:" + i)).isTrue();
    }
  }

  @Test
  void aLoadThatReadL2BeforeAnotherInstancesInvalidationDoesNotWriteOverIt() throws Exception {
    java.util.concurrent.CountDownLatch loading = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    var a = GovernedCache.<Integer, String>builder("tomb-race", ValueCodec.utf8()).redis(redis.uri())
        .l2Timeout(Duration.ofSeconds(2))
        .loader(k -> {
          loading.countDown();
          try {
            release.await(); // the loader read the database: "old"
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "old";
        }).build();
    caches.add(a);
    var b = cache("tomb-race", 1 << 20, false);
    var reader = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var got = reader.submit(() -> a.get(1)); // L1 and L2 miss, then the loader
      assertThat(loading.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      b.invalidate(1); // the database changed meanwhile; another instance invalidates the key
      release.countDown();
      assertThat(got.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("old"); // concurrent: may be old
    } finally {
      reader.shutdownNow();
    }
    assertThat(holdsNoValue("memgov:tomb-race:1")).as("the load from before the invalidation is not in Redis").isTrue();
    assertThat(b.getIfPresent(1)).isNull();
    assertThat(a.inL1(1)).as("nor in the loading instance's L1").isFalse();
    assertThat(a.stats().l2RefusedWrites()).isEqualTo(1);
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    new CacheMetrics(a).bindTo(registry);
    assertThat(registry.get("memgov.cache.l2.refused").tag("cache", "tomb-race").functionCounter().count()).isEqualTo(1.0);
  }

  /** A cache whose loader answers "old", after {@code loading} counts down and {@code release} opens. */
  private GovernedCache<Integer, String> blockingLoader(String name, java.util.concurrent.CountDownLatch loading,
      java.util.concurrent.CountDownLatch release, java.util.function.UnaryOperator<GovernedCacheBuilder<Integer, String>> options) {
    return onRedis(name, b -> options.apply(b.l2Timeout(Duration.ofSeconds(2)).loader(k -> {
      loading.countDown();
      try {
        release.await(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "old";
    })));
  }

  @Test
  void aLoadThatReadOneTombstoneDoesNotWriteOverTheNextOne() throws Exception {
    var loading = new java.util.concurrent.CountDownLatch(1);
    var release = new java.util.concurrent.CountDownLatch(1);
    var a = blockingLoader("tomb-twice", loading, release, b -> b);
    var b = cache("tomb-twice", 1 << 20, false);
    b.put(1, "first");
    b.invalidate(1); // tombstone T1
    var reader = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var got = reader.submit(() -> a.get(1)); // reads T1, then loads
      assertThat(loading.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      byte[] first = raw.get("memgov:tomb-twice:1");
      b.invalidate(1); // tombstone T2: the value changed again while a loaded
      byte[] second = raw.get("memgov:tomb-twice:1");
      release.countDown();
      assertThat(got.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("old");
      assertThat(second).as("each tombstone is a different one").isNotEqualTo(first);
      assertThat(raw.get("memgov:tomb-twice:1")).as("T2 stays: the load read T1").isEqualTo(second);
    } finally {
      reader.shutdownNow();
    }
    assertThat(a.stats().l2TombstoneReads()).isEqualTo(1);
    assertThat(a.stats().l2RefusedWrites()).isEqualTo(1);
  }

  @Test
  void aLoadOlderThanHalfTheTombstoneTtlIsNotWrittenOnceTheTombstoneHasExpired() throws Exception {
    var loading = new java.util.concurrent.CountDownLatch(1);
    var release = new java.util.concurrent.CountDownLatch(1);
    var a = blockingLoader("tomb-slow", loading, release, b -> b.l2TombstoneTtl(Duration.ofMillis(300)));
    var b = onRedis("tomb-slow", o -> o.l2TombstoneTtl(Duration.ofMillis(300)));
    var reader = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var got = reader.submit(() -> a.get(1)); // reads nothing, then loads for longer than the tombstone lives
      assertThat(loading.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      b.invalidate(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> raw.exists("memgov:tomb-slow:1") == 0); // expired
      release.countDown();
      assertThat(got.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("old");
    } finally {
      reader.shutdownNow();
    }
    assertThat(raw.exists("memgov:tomb-slow:1")).as("the slow load's value is not written").isZero();
    assertThat(a.inL1(1)).isFalse();
    assertThat(a.stats().l2RefusedWrites()).isEqualTo(1);
    assertThat(b.getIfPresent(1)).isNull();
  }

  @Test
  void aBadTombstoneTtlIsRefusedWithWhatIsAccepted() {
    var b = GovernedCache.<Integer, String>builder("x", ValueCodec.utf8());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.l2TombstoneTtl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("l2TombstoneTtl must be 0 (no tombstones) or between 1 ms and PT2562047H47M16.854775807S, "
            + "but was PT-1S");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.l2TombstoneTtl(Duration.ofNanos(500)))
        .as("under 1 ms would round to 0, which turns tombstones off").isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.l2TombstoneTtl(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anInterruptedCallerIsNoL2FailureAndKeepsItsInterruptFlag() {
    var c = cache("intr", 1 << 20, true);
    var other = cache("intr", 1 << 20, false); // a second instance on the same prefix
    c.put(1, "old");
    Thread.currentThread().interrupt();
    boolean[] flagAfterEachCall = new boolean[6];
    try {
      // reads skip L2 (nothing to wait for) and go to the loader
      for (int i = 0; i < 3; i++) {
        assertThat(c.get(100 + i)).isEqualTo(value(100 + i, 2000));
        flagAfterEachCall[i] = Thread.currentThread().isInterrupted();
      }
      // a put and an invalidate still reach Redis: no other instance may read what they replaced
      c.put(1, "new");
      flagAfterEachCall[3] = Thread.currentThread().isInterrupted();
      c.put(2, "two");
      flagAfterEachCall[4] = Thread.currentThread().isInterrupted();
      c.invalidate(2);
      flagAfterEachCall[5] = Thread.currentThread().isInterrupted();
    } finally {
      Thread.interrupted();
    }
    assertThat(flagAfterEachCall).containsOnly(true);
    assertThat(c.l2Up()).isTrue();
    assertThat(c.stats().l2Errors()).isZero();
    assertThat(c.state()).isEqualTo("ok; l2 up (errors 0); lz4 native-jni"); // no key awaiting repair
    assertThat(other.getIfPresent(1)).isEqualTo("new");
    assertThat(other.getIfPresent(2)).isNull();
    assertThat(holdsNoValue("memgov:intr:2")).isTrue();
    assertThat(c.getIfPresent(1)).isEqualTo("new");
  }

  @Test
  void stateShowsL2UpAndTheLz4Implementation() {
    var c = cache("st", 1 << 20, false);
    assertThat(c.hasL2()).isTrue();
    assertThat(c.l2Up()).isTrue();
    assertThat(c.state()).isEqualTo("ok; l2 up (errors 0); lz4 native-jni");
  }
}
