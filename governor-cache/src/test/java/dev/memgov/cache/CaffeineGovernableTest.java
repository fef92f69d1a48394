package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.memgov.core.CacheTier;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.Trigger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CaffeineGovernableTest {

  private static Cache<Integer, byte[]> weighted(long max) {
    return Caffeine.newBuilder().maximumWeight(max).<Integer, byte[]>weigher((k, v) -> v.length)
        .executor(Runnable::run).build();
  }

  @Test
  void governsAWeightedCacheByBytes() {
    Cache<Integer, byte[]> cache = weighted(100_000);
    for (int i = 0; i < 90; i++) {
      cache.put(i, new byte[1000]);
    }
    CaffeineGovernable g = CaffeineGovernable.adopt("adopted", cache);
    assertThat(g.budgetUnit()).isEqualTo("bytes");
    assertThat(g.footprintBytes()).isEqualTo(90_000);
    ReclaimResult r = g.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API));
    // half of what it holds (90 000), not of its budget
    assertThat(r.action()).startsWith("budget 100000 -> 45000 bytes");
    assertThat(cache.policy().eviction().orElseThrow().getMaximum()).isEqualTo(45_000);
    assertThat(g.footprintBytes()).isLessThanOrEqualTo(45_000);
    g.restore(new RestoreRequest(50));
    assertThat(g.currentBudget()).isEqualTo(95_000);
    g.restore(new RestoreRequest(50));
    assertThat(g.currentBudget()).isEqualTo(100_000);
    assertThat(cache.policy().eviction().orElseThrow().getMaximum()).isEqualTo(100_000);
  }

  @Test
  void governsASizeBoundedCacheInEntries() {
    Cache<Integer, String> cache = Caffeine.newBuilder().maximumSize(100).executor(Runnable::run).build();
    for (int i = 0; i < 100; i++) {
      cache.put(i, "v");
    }
    CaffeineGovernable g = CaffeineGovernable.adopt("sized", cache, 100);
    assertThat(g.budgetUnit()).isEqualTo("entries");
    assertThat(g.footprintBytes()).isEqualTo(100 * 100);
    g.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API));
    assertThat(cache.estimatedSize()).isEqualTo(25);
  }

  @Test
  void standardAndAggressiveLeaveTheMaximumOfAnEmptyCacheAlone() {
    // Given an empty weighted cache and an empty size-bounded one
    Cache<Integer, byte[]> byWeight = weighted(100_000);
    Cache<Integer, String> bySize = Caffeine.newBuilder().maximumSize(100).executor(Runnable::run).build();
    CaffeineGovernable w = CaffeineGovernable.adopt("w", byWeight);
    CaffeineGovernable s = CaffeineGovernable.adopt("s", bySize);
    for (CleanupLevel level : new CleanupLevel[] {CleanupLevel.STANDARD, CleanupLevel.AGGRESSIVE}) {
      // When standard or aggressive runs, with a target
      ReclaimResult rw = w.reclaim(new ReclaimRequest(level, 50_000, Trigger.API));
      ReclaimResult rs = s.reclaim(new ReclaimRequest(level, 50_000, Trigger.API));
      // Then the maximum stays (not cut to 1) and the result says why
      assertThat(rw.changed()).isFalse();
      assertThat(rw.action()).isEqualTo("nothing held (0 bytes, below the minimum of 1024); budget stays at 100000 bytes for "
          + level.wireName());
      assertThat(rs.changed()).isFalse();
      assertThat(rs.action()).isEqualTo("nothing held (0 entries, below the minimum of 16); budget stays at 100 entries for "
          + level.wireName());
    }
    assertThat(byWeight.policy().eviction().orElseThrow().getMaximum()).isEqualTo(100_000);
    assertThat(bySize.policy().eviction().orElseThrow().getMaximum()).isEqualTo(100);
    assertThat(w.currentBudget()).isEqualTo(100_000);
    assertThat(s.currentBudget()).isEqualTo(100);
  }

  @Test
  void cutsStopAtAMinimumOfOneKibOrSixteenEntries() {
    // Given caches holding a little more than their minimum
    Cache<Integer, byte[]> byWeight = weighted(100_000);
    byWeight.put(1, new byte[1000]);
    byWeight.put(2, new byte[1000]);
    Cache<Integer, String> bySize = Caffeine.newBuilder().maximumSize(1000).executor(Runnable::run).build();
    for (int i = 0; i < 40; i++) {
      bySize.put(i, "v");
    }
    CaffeineGovernable w = CaffeineGovernable.adopt("w", byWeight);
    CaffeineGovernable s = CaffeineGovernable.adopt("s", bySize);
    // When aggressive runs (a quarter would be 500 bytes and 10 entries)
    w.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API));
    s.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API));
    // Then the maximum stops at the minimum
    assertThat(byWeight.policy().eviction().orElseThrow().getMaximum()).isEqualTo(1024);
    assertThat(bySize.policy().eviction().orElseThrow().getMaximum()).isEqualTo(16);
    assertThat(bySize.estimatedSize()).isEqualTo(16);
    // and emergency does not go below it either
    s.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
    assertThat(bySize.policy().eviction().orElseThrow().getMaximum()).isEqualTo(16);
    assertThat(s.currentBudget()).isEqualTo(16);
  }

  @Test
  void aConfiguredMaximumBelowTheMinimumIsItsOwnFloor() {
    Cache<Integer, String> tiny = Caffeine.newBuilder().maximumSize(10).executor(Runnable::run).build();
    for (int i = 0; i < 10; i++) {
      tiny.put(i, "v");
    }
    CaffeineGovernable g = CaffeineGovernable.adopt("tiny", tiny);
    ReclaimResult r = g.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API));
    assertThat(r.action()).isEqualTo("budget already at its floor for standard");
    assertThat(tiny.estimatedSize()).isEqualTo(10);
  }

  @Test
  void anUnboundedCacheIsOnlyClearedAtEmergency() {
    Cache<Integer, String> cache = Caffeine.newBuilder().build();
    cache.put(1, "a");
    CaffeineGovernable g = CaffeineGovernable.adopt("unbounded", cache);
    assertThat(g.state()).contains("unbounded");
    assertThat(g.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API)).changed()).isFalse();
    assertThat(cache.estimatedSize()).isEqualTo(1);
    assertThat(g.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API)).action())
        .isEqualTo("cleared 1 entries");
    assertThat(cache.asMap()).isEmpty();
  }

  @Test
  void aMaximumOfLongMaxValueIsRestoredInFullSteps() {
    Cache<Integer, String> cache = Caffeine.newBuilder().maximumSize(Long.MAX_VALUE).executor(Runnable::run).build();
    for (int i = 0; i < 100; i++) {
      cache.put(i, "v");
    }
    CaffeineGovernable g = CaffeineGovernable.adopt("huge", cache);
    long configured = g.configuredBudget(); // Caffeine holds it as Long.MAX_VALUE - Integer.MAX_VALUE
    assertThat(configured).isGreaterThan(Long.MAX_VALUE / 100); // where configured * 25 overflows
    g.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API));
    assertThat(g.currentBudget()).isEqualTo(50);
    for (int i = 0; i < 4 && g.restorePending(); i++) {
      g.restore(new RestoreRequest(25));
    }
    assertThat(g.currentBudget()).isEqualTo(configured);
    assertThat(cache.policy().eviction().orElseThrow().getMaximum()).isEqualTo(configured);
    assertThat(g.restorePending()).isFalse();
  }

  /** Adopts a weighted cache, fills it and cuts it; the cache is referenced only by the governable after. */
  private static CaffeineGovernable adoptedAndCut() {
    Cache<Integer, byte[]> cache = weighted(100_000);
    for (int i = 0; i < 90; i++) {
      cache.put(i, new byte[1000]);
    }
    CaffeineGovernable g = CaffeineGovernable.adopt("dropped", cache);
    assertThat(g.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API)).changed()).isTrue();
    return g;
  }

  @Test
  void aCacheCollectedAfterACutHasNoRestorePending() throws InterruptedException {
    CaffeineGovernable g = adoptedAndCut();
    assertThat(g.restorePending()).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!g.state().equals("cache garbage-collected") && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(10);
    }
    assertThat(g.state()).isEqualTo("cache garbage-collected");
    assertThat(g.restorePending()).isFalse(); // else the governor runs a restore step every settle window
    assertThat(g.footprintBytes()).isZero();
    assertThat(g.restore(new RestoreRequest(25)).atConfigured()).isTrue();
  }

  @Test
  void clearL1RemovesEverything() {
    Cache<Integer, byte[]> cache = weighted(10_000);
    cache.put(1, new byte[10]);
    var r = CaffeineGovernable.adopt("c", cache).clear(CacheTier.ALL);
    assertThat(r.l1Entries()).isEqualTo(1);
    assertThat(r.l1Bytes()).isEqualTo(10);
    assertThat(cache.asMap()).isEmpty();
  }

  @Test
  void aSizeBoundedCacheAskedForMoreBytesThanLongCanRoundUpIsStillCut() {
    // Given a full size-bounded cache
    Cache<Integer, String> cache = Caffeine.newBuilder().maximumSize(100).executor(Runnable::run).build();
    for (int i = 0; i < 100; i++) {
      cache.put(i, "v");
    }
    CaffeineGovernable g = CaffeineGovernable.adopt("sized", cache);
    // When standard runs with the largest target a request can carry
    ReclaimResult r = g.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, Long.MAX_VALUE, Trigger.API));
    // Then it is cut as far as standard allows (half of what it holds), as for any target above it
    assertThat(r.action()).startsWith("budget 100 -> 50 entries");
    assertThat(cache.policy().eviction().orElseThrow().getMaximum()).isEqualTo(50);
  }

  @Test
  void theFootprintOfAnEntryCountedCacheDoesNotOverflow() {
    // Given a cache estimated at a very large size per entry
    Cache<Integer, String> cache = Caffeine.newBuilder().maximumSize(100).executor(Runnable::run).build();
    for (int i = 0; i < 3; i++) {
      cache.put(i, "v");
    }
    CaffeineGovernable g = CaffeineGovernable.adopt("big-entries", cache, Long.MAX_VALUE / 2);
    // When its footprint is read, Then it saturates instead of wrapping to a negative figure
    assertThat(g.footprintBytes()).isEqualTo(Long.MAX_VALUE);
    assertThat(g.clear(CacheTier.L1).l1Bytes()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aMaximumTheOwnerSetsBecomesTheConfiguredBudgetAndRestoreNeverUndoesIt() {
    // Given a full size-bounded cache, adopted
    Cache<Integer, String> cache = Caffeine.newBuilder().maximumSize(100).executor(Runnable::run).build();
    for (int i = 0; i < 100; i++) {
      cache.put(i, "v");
    }
    CaffeineGovernable g = CaffeineGovernable.adopt("owned", cache);
    // When the owner lowers its maximum by hand
    cache.policy().eviction().orElseThrow().setMaximum(40);
    // Then the current budget is the maximum in force, and once the governor looks (restorePending,
    // every tick) the configured one follows it and no restore is pending
    assertThat(g.currentBudget()).isEqualTo(40);
    assertThat(g.restorePending()).isFalse();
    assertThat(g.configuredBudget()).isEqualTo(40);
    // and after a cut, restore grows it back to the owner's maximum, not to the one at adoption
    assertThat(g.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API)).action())
        .startsWith("budget 40 -> 20 entries");
    for (int i = 0; i < 10 && g.restorePending(); i++) {
      g.restore(new RestoreRequest(50));
    }
    assertThat(cache.policy().eviction().orElseThrow().getMaximum()).isEqualTo(40);
    assertThat(g.currentBudget()).isEqualTo(40);
    // and a maximum the owner raises while cut is the new configured one, not cut back at once
    g.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API));
    cache.policy().eviction().orElseThrow().setMaximum(200);
    assertThat(g.restorePending()).isFalse();
    assertThat(g.configuredBudget()).isEqualTo(200);
    assertThat(g.currentBudget()).isEqualTo(200);
    assertThat(cache.policy().eviction().orElseThrow().getMaximum()).isEqualTo(200);
  }

  @Test
  void badArgumentsAreRejected() {
    assertThatThrownBy(() -> CaffeineGovernable.adopt(" ", Caffeine.newBuilder().build()))
        .hasMessage("name must not be blank, but was ' '");
    assertThatThrownBy(() -> CaffeineGovernable.adopt("x", Caffeine.newBuilder().build(), 0))
        .hasMessage("bytesPerEntry must be at least 1, but was 0");
  }
}
