package dev.memgov.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memgov.core.CacheTier;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ClearResult;
import dev.memgov.core.ClearableCache;
import dev.memgov.core.GovernorEvent;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The governor's thread, triggers, lifecycle, events and registry. */
class GovernorThreadTest {
  static final long MIB = 1L << 20;

  final FakeClock clock = new FakeClock();
  final ScriptedSensor sensor = new ScriptedSensor(clock);
  final List<MemoryGovernor> toClose = new ArrayList<>();

  DefaultMemoryGovernor governor(GovernorPolicy.Builder policy, TestGovernable... gs) {
    var b = MemoryGovernor.builder().name("thread-test").clock(clock).sensor(sensor)
        .policy(policy.build()).jmxEnabled(false).jvmGovernable(false);
    for (TestGovernable g : gs) {
      b.governable(g);
    }
    DefaultMemoryGovernor g = (DefaultMemoryGovernor) b.build();
    toClose.add(g);
    return g;
  }

  @AfterEach
  void closeAll() {
    toClose.forEach(MemoryGovernor::close);
  }

  @Test
  void aGcNotificationOnlyEnqueuesATickThatRunsOnTheGovernorThread() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 100 * MIB);
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false), cache);
    g.start();
    await().until(() -> g.status().ticks() == 1); // the first tick at start
    assertThat(sensor.listening()).isTrue();

    sensor.ratio(0.9);
    sensor.fireGcEnd();

    await().until(() -> g.status().level() == PressureLevel.CRITICAL);
    await().until(() -> !g.status().recentCleanups().isEmpty());
    assertThat(g.status().recentCleanups().get(0).trigger()).isEqualTo(Trigger.GC);
    assertThat(cache.threads).containsOnly("memgov-governor-thread-test");
  }

  @Test
  void theGcTriggerCanBeSwitchedOff() {
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false).gcTriggerEnabled(false));
    g.start();
    await().until(() -> g.status().ticks() == 1);
    sensor.fireGcEnd();
    g.tickNow(); // runs after anything the GC would have queued
    assertThat(g.status().ticks()).isEqualTo(2);
  }

  @Test
  void theTimerTicksOnItsOwn() {
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().tickInterval(Duration.ofMillis(10)));
    g.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> g.status().ticks() >= 5);
  }

  @Test
  void manualAndAutomaticRunsNeverOverlap() throws Exception {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 100 * MIB);
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().tickInterval(Duration.ofMillis(10))
        .settleWindow(Duration.ZERO), cache);
    sensor.ratio(0.95);
    g.start();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        futures.add(callers.submit(() -> g.optimize(CleanupLevel.AGGRESSIVE, true, Trigger.API)));
        futures.add(callers.submit(sensor::fireGcEnd));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(cache.requests.size()).isGreaterThanOrEqualTo(40);
    assertThat(cache.maxInFlight).hasValue(1);
    assertThat(cache.threads).containsOnly("memgov-governor-thread-test");
  }

  @Test
  void startIsIdempotentAndCloseUndoesIt() {
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false));
    assertThat(g.isRunning()).isFalse();
    assertThatThrownBy(() -> g.optimize(CleanupLevel.LIGHT))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not running; call start() first");
    g.start();
    g.start();
    assertThat(g.isRunning()).isTrue();
    assertThat(threads("memgov-governor-thread-test")).isEqualTo(1);

    g.close();
    g.close();
    assertThat(g.isRunning()).isFalse();
    assertThat(sensor.closes).hasValue(1);
    assertThat(sensor.listening()).isFalse();
    await().until(() -> threads("memgov-governor-thread-test") == 0);
    assertThatThrownBy(() -> g.optimize(CleanupLevel.LIGHT)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(g::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(g.status().running()).isFalse();
  }

  static long threads(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).count();
  }

  @Test
  void aFailingSampleDoesNotKillTheThread() {
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false));
    g.start();
    await().until(() -> g.status().ticks() == 1);
    sensor.failNextSample(new IllegalStateException("proc is gone"));
    sensor.fireGcEnd();
    await().until(() -> sensor.samples.get() == 2);
    g.tickNow();
    assertThat(g.status().ticks()).isEqualTo(2);
    assertThat(g.isRunning()).isTrue();
  }

  @Test
  void listenersGetTypedEventsAndAThrowingOneDoesNotStopTheOthers() throws Exception {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 100 * MIB);
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false), cache);
    List<GovernorEvent> all = new CopyOnWriteArrayList<>();
    List<GovernorEvent.LevelChanged> levels = new CopyOnWriteArrayList<>();
    List<String> threadsSeen = new CopyOnWriteArrayList<>();
    g.subscribe(GovernorEvent.LevelChanged.class, e -> {
      throw new IllegalStateException("bad listener");
    });
    g.subscribe(GovernorEvent.LevelChanged.class, e -> {
      levels.add(e);
      threadsSeen.add(Thread.currentThread().getName());
    });
    AutoCloseable sub = g.subscribe(GovernorEvent.class, all::add);
    g.start();
    sensor.ratio(0.93);
    g.tickNow();

    assertThat(levels).singleElement().satisfies(e -> {
      assertThat(e.from()).isEqualTo(PressureLevel.NORMAL);
      assertThat(e.to()).isEqualTo(PressureLevel.EMERGENCY);
      assertThat(e.pressure().governingRatio()).isCloseTo(0.93, org.assertj.core.data.Offset.offset(1e-6));
    });
    assertThat(threadsSeen).containsOnly("memgov-governor-thread-test");
    assertThat(all).hasAtLeastOneElementOfType(GovernorEvent.LevelChanged.class)
        .hasAtLeastOneElementOfType(GovernorEvent.CleanupCompleted.class);

    sub.close();
    int before = all.size();
    g.optimize(CleanupLevel.LIGHT, true, Trigger.API);
    assertThat(all).hasSize(before);
  }

  @Test
  void statusIsAlwaysOneTicksConsistentViewWhileTicksRun() throws Exception {
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false));
    g.start();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger checked = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<String> torn = new java.util.concurrent.atomic.AtomicReference<>();
    Thread reader = new Thread(() -> {
      while (!stop.get()) {
        var st = g.status();
        if (st.snapshot() != null) {
          if (st.snapshot().heapRatio() != st.pressure().heapRatio()) {
            torn.set(st.snapshot().heapRatio() + " vs " + st.pressure().heapRatio());
          }
          checked.incrementAndGet();
        }
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      for (int i = 0; i < 2000; i++) {
        sensor.ratio(0.1 + (i % 80) / 100.0);
        g.tickNow();
      }
    } finally {
      stop.set(true);
      reader.join(10_000);
    }
    assertThat(reader.isAlive()).as("the reader thread ended").isFalse();
    assertThat(torn.get()).isNull();
    assertThat(checked.get()).isPositive();
  }

  @Test
  void aRisingLiveSetRaisesOneLeakSuspectedEvent() {
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false).leakGcCount(3));
    List<GovernorEvent.LeakSuspected> leaks = new CopyOnWriteArrayList<>();
    g.subscribe(GovernorEvent.LeakSuspected.class, leaks::add);
    for (int i = 0; i < 8; i++) { // above half the heap and never reclaimed
      sensor.ratio(0.55 + i * 0.01).gc();
      clock.advance(Duration.ofSeconds(10));
      g.tickNow();
    }
    assertThat(leaks).singleElement().satisfies(e -> {
      assertThat(e.trend().leakSuspected()).isTrue();
      assertThat(e.trend().bytesPerMinute()).isPositive();
    });
    assertThat(g.status().trend().leakSuspected()).isTrue();
  }

  @Test
  void aCacheFillingToItsBudgetIsNoLeak() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 0);
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false).leakGcCount(3), cache);
    List<GovernorEvent.LeakSuspected> leaks = new CopyOnWriteArrayList<>();
    g.subscribe(GovernorEvent.LeakSuspected.class, leaks::add);
    for (int i = 0; i < 8; i++) {
      // the live set rises by what the cache holds more: 10 MiB per GC
      cache.fill(i * 10 * MIB);
      sensor.ratio((200 * MIB + i * 10 * MIB) / (double) ScriptedSensor.HEAP_MAX).gc();
      clock.advance(Duration.ofSeconds(10));
      g.tickNow();
    }
    assertThat(leaks).isEmpty();
    assertThat(g.status().trend().leakSuspected()).isFalse();
    assertThat(g.status().trend().bytesPerMinute()).isPositive();
  }

  /** One GC and tick with the old generation at {@code permille} of the heap, {@code seconds} later. */
  private boolean gcAt(DefaultMemoryGovernor g, int permille, int seconds) {
    sensor.ratio(permille / 1000.0).gc();
    clock.advance(Duration.ofSeconds(seconds));
    g.tickNow();
    return g.status().trend().leakSuspected();
  }

  /**
   * A reclaim to {@code floor} permille of the heap and a climb back: GCs at the floor, 70 above it
   * (which records the floor: 70 MiB is more than 1/16 of the 1000 MiB heap) and 140 above it.
   * Returns how many times the leak flag went on.
   */
  private int sawtoothCycle(DefaultMemoryGovernor g, int floor, int secondsPerGc) {
    int ons = 0;
    for (int up = 0; up <= 140; up += 70) {
      boolean before = g.status().trend().leakSuspected();
      ons += gcAt(g, floor + up, secondsPerGc) && !before ? 1 : 0;
    }
    return ons;
  }

  @Test
  void aFlappingLeakFlagWarnsAtMostOncePerTenMinutes() {
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false).leakGcCount(3));
    List<GovernorEvent.LeakSuspected> leaks = new CopyOnWriteArrayList<>();
    g.subscribe(GovernorEvent.LeakSuspected.class, leaks::add);
    gcAt(g, 340, 1);
    for (int i = 0; i < 3; i++) {
      sawtoothCycle(g, 200, 1); // floors at 200 permille
    }
    // every 12 s three floors rise (300, 310, 320: the flag goes on) and one falls back (200: off)
    int ons = 0;
    for (int flap = 0; flap < 3; flap++) {
      for (int floor : new int[] {300, 310, 320, 200}) {
        ons += sawtoothCycle(g, floor, 1);
      }
      assertThat(g.status().trend().leakSuspected()).as("after the floor fell back").isFalse();
    }
    assertThat(ons).isEqualTo(3);
    assertThat(leaks).hasSize(1);

    clock.advance(Duration.ofMinutes(10));
    for (int floor : new int[] {300, 310, 320}) {
      sawtoothCycle(g, floor, 1);
    }
    assertThat(leaks).hasSize(2);
  }

  @Test
  void aLeakThatStartsInsideTheQuietIntervalIsAnnouncedWhenItEnds() {
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false).leakGcCount(3));
    List<GovernorEvent.LeakSuspected> leaks = new CopyOnWriteArrayList<>();
    g.subscribe(GovernorEvent.LeakSuspected.class, leaks::add);
    int r = 600;
    for (int i = 0; i < 4; i++) { // a first climb above half the heap, nothing reclaimed yet: announced
      r += 40;
      gcAt(g, r, 1);
    }
    // then a leak: from a reclaim to 100 permille on, the floors rise 30 per minute (a GC every
    // 20 s); the sixth floor (250), at 5.7 minutes, is flagged, inside the quiet interval
    int floor = 100;
    for (int minute = 0; minute < 13; minute++, floor += 30) {
      sawtoothCycle(g, floor, 20);
      assertThat(g.status().trend().leakSuspected()).as("at floor %d", floor).isEqualTo(floor >= 250);
    }
    assertThat(leaks).hasSize(2);
  }

  @Test
  void aManualCleanupCannotPassForAnAutomaticOne() {
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false));
    g.start();
    for (Trigger automatic : List.of(Trigger.IDLE, Trigger.TIMER, Trigger.GC)) {
      assertThatThrownBy(() -> g.optimize(CleanupLevel.LIGHT, true, automatic))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("trigger " + automatic).hasMessageContaining("API, HTTP or JMX");
    }
    assertThat(g.status().recentCleanups()).isEmpty();
  }

  @Test
  void registerAndUnregisterAtRuntimeWithEvents() {
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false));
    List<GovernorEvent> events = new CopyOnWriteArrayList<>();
    g.subscribe(GovernorEvent.class, events::add);
    g.start();
    TestGovernable a = new TestGovernable("a", RebuildCost.CHEAP, MIB);
    g.register(a);
    assertThatThrownBy(() -> g.register(new TestGovernable("a", RebuildCost.FREE, 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' is already registered");
    assertThat(g.governables()).containsExactly(a);
    assertThat(g.status().governables()).singleElement().satisfies(s -> assertThat(s.footprintBytes()).isEqualTo(MIB));
    assertThat(g.unregister("a")).isTrue();
    assertThat(g.unregister("a")).isFalse();
    assertThat(g.governables()).isEmpty();
    await().until(() -> events.size() == 2);
    assertThat(events.get(0)).isEqualTo(new GovernorEvent.GovernableAdded(clock.currentTimeMillis(), "a", "test"));
    assertThat(events.get(1)).isInstanceOf(GovernorEvent.GovernableRemoved.class);
  }

  @Test
  void duplicateNamesAreRejectedAtBuild() {
    assertThatThrownBy(() -> MemoryGovernor.builder().jmxEnabled(false).sensor(sensor)
            .governable(new TestGovernable("x", RebuildCost.CHEAP, 1))
            .governable(new TestGovernable("x", RebuildCost.CHEAP, 1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x' was given twice");
  }

  @Test
  void clearCacheChecksTheTargetAndClearsByTierOrName() {
    FakeCache users = new FakeCache("users", true);
    FakeCache local = new FakeCache("local", false);
    MemoryGovernor g = MemoryGovernor.builder().name("clear").clock(clock).sensor(sensor).jmxEnabled(false)
        .jvmGovernable(false).policy(GovernorPolicy.builder().timerTriggerEnabled(false).build())
        .governable(users).governable(local).governable(new TestGovernable("pool", RebuildCost.FREE, 1)).build();
    toClose.add(g);
    g.start();
    assertThat(g.cacheTargets()).containsExactly("all", "l1", "l2", "users", "local");

    assertThatThrownBy(() -> g.clearCache("pool"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("memgov 'clear': cache target must be one of all|l1|l2|users|local, but was 'pool'");
    assertThat(users.cleared).isEmpty();

    assertThat(g.clearCache("l2")).extracting(ClearResult::cache).containsExactly("users");
    assertThat(g.clearCache("L1")).extracting(ClearResult::tier).containsExactly(CacheTier.L1, CacheTier.L1);
    assertThat(g.clearCache("local")).singleElement().satisfies(r -> assertThat(r.tier()).isEqualTo(CacheTier.ALL));
    assertThat(users.cleared).containsExactly(CacheTier.L2, CacheTier.L1);
    assertThat(local.cleared).containsExactly(CacheTier.L1, CacheTier.ALL);
    assertThat(users.threads).containsOnly("memgov-governor-clear");
  }

  static final class FakeCache extends TestGovernable implements ClearableCache {
    final boolean l2;
    final List<CacheTier> cleared = new CopyOnWriteArrayList<>();

    FakeCache(String name, boolean l2) {
      super(name, RebuildCost.CHEAP, MIB);
      this.l2 = l2;
    }

    @Override
    public boolean hasL2() {
      return l2;
    }

    @Override
    public ClearResult clear(CacheTier tier) {
      cleared.add(tier);
      threads.add(Thread.currentThread().getName());
      return new ClearResult(name(), tier, 1, 10, l2 ? 1 : 0, null);
    }
  }
  @Test
  void closingGrowsAnAdoptedPoolBackToItsAdoptedSizeSoNothingIsLeftCut() throws Exception {
    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(
        4, 8, 30, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>());
    try {
      DefaultMemoryGovernor g = governor(GovernorPolicy.builder());
      g.register(dev.memgov.core.ThreadPoolGovernable.adopt("workers", pool));
      g.start();
      g.optimize(CleanupLevel.EMERGENCY, true, Trigger.API);
      assertThat(pool.getMaximumPoolSize()).isLessThan(8);

      g.close();

      assertThat(pool.getCorePoolSize()).isEqualTo(4);
      assertThat(pool.getMaximumPoolSize()).isEqualTo(8);
      assertThat(pool.allowsCoreThreadTimeOut()).isFalse();
      // adopted again (a new governor), its configured size is the owner's, not the cut one
      assertThat(dev.memgov.core.ThreadPoolGovernable.adopt("workers-again", pool).configuredBudget()).isEqualTo(8);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unregisteringGrowsTheGovernableBackToItsConfiguredBudget() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 100 * MIB);
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder(), cache);
    g.start();
    g.optimize(CleanupLevel.STANDARD, true, Trigger.API);
    assertThat(cache.currentBudget()).isLessThan(100 * MIB);

    assertThat(g.unregister("cache")).isTrue();

    // queued on the governor thread, not waited for
    await().atMost(Duration.ofSeconds(5)).until(() -> cache.currentBudget() == 100 * MIB);
  }
  @Test
  void aManualCallStillQueuedWhenCloseGivesUpWaitingGetsAnAnswerNotAHang() throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    TestGovernable slow = new TestGovernable("slow", RebuildCost.CHEAP, 100 * MIB) {
      @Override
      public dev.memgov.core.ReclaimResult reclaim(dev.memgov.core.ReclaimRequest request) {
        entered.countDown();
        try {
          Thread.sleep(30_000); // longer than close() waits for the thread (5 s)
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return dev.memgov.core.ReclaimResult.nothing("interrupted");
      }
    };
    DefaultMemoryGovernor g = governor(GovernorPolicy.builder().timerTriggerEnabled(false)
        .gcTriggerEnabled(false), slow);
    g.start();
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      callers.submit(() -> g.optimize(CleanupLevel.STANDARD, true, Trigger.API));
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      Future<?> queued = callers.submit(() -> g.optimize(CleanupLevel.LIGHT, true, Trigger.API));
      Thread.sleep(200); // the second call is queued behind the first

      g.close(); // waits 5 s, then drops what is queued

      assertThatThrownBy(() -> queued.get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed before the call ran");
    } finally {
      callers.shutdownNow();
    }
  }
}
