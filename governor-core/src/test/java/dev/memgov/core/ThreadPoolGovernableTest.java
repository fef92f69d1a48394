package dev.memgov.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real ThreadPoolExecutor shrunk and restored while tasks run. */
class ThreadPoolGovernableTest extends GovernableContractTest {
  /** Restore loops give up here: a restore that never reaches the configured sizes fails, not hangs. */
  static final int MAX_RESTORE_STEPS = 100;

  final List<ThreadPoolExecutor> pools = new ArrayList<>();

  ThreadPoolExecutor pool(int core, int max, int queue) {
    return pool(core, max, queue, 100);
  }

  ThreadPoolExecutor pool(int core, int max, int queue, long keepAliveMillis) {
    ThreadPoolExecutor p = new ThreadPoolExecutor(core, max, keepAliveMillis, TimeUnit.MILLISECONDS,
        queue < 0 ? new LinkedBlockingQueue<>() : new ArrayBlockingQueue<>(queue));
    pools.add(p);
    return p;
  }

  @AfterEach
  void shutdown() throws InterruptedException {
    for (ThreadPoolExecutor p : pools) {
      p.shutdownNow();
      p.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Override
  protected Governable create() {
    return ThreadPoolGovernable.adopt("workers", pool(4, 8, 4));
  }

  @Override
  protected void fill(Governable governable) throws Exception {
    ThreadPoolExecutor p = pools.get(pools.size() - 1);
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < 12; i++) { // 8 threads busy, 4 queued
      p.execute(() -> block(release));
    }
    assertThat(p.getPoolSize()).isEqualTo(8);
    release.countDown();
    org.awaitility.Awaitility.await().until(() -> p.getActiveCount() == 0 && p.getQueue().isEmpty());
  }

  static void block(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void shrinksUnderPressureAndRestoresInStepsWhileTasksRunWithNoneLost() throws Exception {
    ThreadPoolExecutor p = pool(4, 8, 500);
    ThreadPoolGovernable g = ThreadPoolGovernable.adopt("busy", p);
    AtomicInteger done = new AtomicInteger();
    int submitted = 0;
    for (int i = 0; i < 20; i++, submitted++) {
      p.execute(() -> sleepAndCount(done));
    }
    ReclaimResult r = g.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
    assertThat(r.action()).contains("max 8 -> 1").contains("core 4 -> 1").contains("core threads time out");
    assertThat(p.allowsCoreThreadTimeOut()).isTrue();
    for (int i = 0; i < 100; i++, submitted++) { // keeps submitting while shrunk: nothing is rejected
      p.execute(() -> sleepAndCount(done));
    }
    int total = submitted;
    await().atMost(Duration.ofSeconds(30)).until(() -> done.get() == total);
    await().until(() -> p.getPoolSize() <= p.getMaximumPoolSize());

    // calm: restore in 25 % steps back to 4/8 and no core time-out, never above
    List<Long> budgets = new ArrayList<>();
    RestoreResult step;
    do {
      if (budgets.size() == MAX_RESTORE_STEPS) {
        fail("not back at the configured sizes after " + MAX_RESTORE_STEPS + " restore steps: " + budgets);
      }
      step = g.restore(new RestoreRequest(25));
      budgets.add(g.currentBudget());
    } while (!step.atConfigured());
    assertThat(budgets).isSorted().last().isEqualTo(8L);
    assertThat(p.getCorePoolSize()).isEqualTo(4);
    assertThat(p.getMaximumPoolSize()).isEqualTo(8);
    assertThat(p.allowsCoreThreadTimeOut()).isFalse();
  }

  static void sleepAndCount(AtomicInteger done) {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    done.incrementAndGet();
  }

  @Test
  void demandBeatsPressureWhereTheShrinkAloneWouldReject() {
    ThreadPoolExecutor p = pool(2, 8, 2);
    ThreadPoolGovernable g = ThreadPoolGovernable.adopt("bounded", p);
    g.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
    assertThat(p.getMaximumPoolSize()).isEqualTo(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < 10; i++) { // 1 thread + 2 queued would reject 7 of these at max 1
      p.execute(() -> {
        block(release);
        done.incrementAndGet();
      });
    }
    assertThat(p.getMaximumPoolSize()).isEqualTo(8);
    release.countDown();
    org.awaitility.Awaitility.await().until(() -> done.get() == 10);

    // beyond the configured size, the pool's own policy (abort) applies as before
    // one task at a time, each running (or queued with no idle thread left to take it) before the
    // next: a burst would fill the 2-slot queue faster than idle threads wake to empty it and be
    // rejected early, by timing alone
    CountDownLatch hold = new CountDownLatch(1);
    for (int i = 0; i < 10; i++) {
      p.execute(() -> block(hold));
      int accepted = i + 1;
      org.awaitility.Awaitility.await().until(() -> p.getActiveCount() + p.getQueue().size() == accepted
          && (p.getQueue().isEmpty() || p.getActiveCount() == p.getPoolSize()));
    }
    assertThat(p.getActiveCount()).isEqualTo(8);
    assertThatThrownBy(() -> p.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    hold.countDown();
  }

  @Test
  void aMaximumTheOwnerLoweredForBackpressureStillRejects() {
    // Given a pool whose owner lowered the maximum from 8 to 4 after adoption, for backpressure
    ThreadPoolExecutor p = pool(2, 8, 2);
    ThreadPoolGovernable g = ThreadPoolGovernable.adopt("backpressure", p);
    p.setMaximumPoolSize(4);

    // When 4 threads are busy and 2 tasks queued
    CountDownLatch release = new CountDownLatch(1);
    try {
      for (int i = 0; i < 6; i++) {
        p.execute(() -> block(release));
      }

      // Then the next submission is rejected by the pool's own policy, not turned into growth
      assertThatThrownBy(() -> p.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
      assertThat(p.getMaximumPoolSize()).isEqualTo(4);
      assertThat(g.configuredBudget()).isEqualTo(4);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aPoolAdoptedAgainGrowsForDemandUnderItsNewGovernorsCut() {
    // Given a pool adopted once, then adopted again (a new governor) and cut by the second one
    ThreadPoolExecutor p = pool(2, 8, 2);
    ThreadPoolGovernable first = ThreadPoolGovernable.adopt("first", p);
    assertThat(first.restorePending()).isFalse();
    ThreadPoolGovernable second = ThreadPoolGovernable.adopt("second", p);
    second.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
    int cut = p.getMaximumPoolSize();
    assertThat(cut).isLessThan(8);

    // When the cut pool's threads are busy and its queue full
    CountDownLatch release = new CountDownLatch(1);
    try {
      for (int i = 0; i < cut + 2; i++) {
        p.execute(() -> block(release));
      }

      // Then the next submission grows the pool instead of being rejected
      p.execute(() -> block(release));
      assertThat(p.getMaximumPoolSize()).isEqualTo(cut + 1);
      assertThat(second.configuredBudget()).isEqualTo(8);
    } finally {
      release.countDown();
    }
  }

  @Test
  void demandGrowsOnlyBackToAMaximumTheOwnerSetWhileThePoolWasCut() {
    // Given a pool cut to one thread, whose owner then sets the maximum to 3 (and the core to 1)
    ThreadPoolExecutor p = pool(2, 8, 2);
    ThreadPoolGovernable g = ThreadPoolGovernable.adopt("owner-cut", p);
    g.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
    p.setMaximumPoolSize(3);

    // When 3 threads are busy and 2 tasks queued
    CountDownLatch release = new CountDownLatch(1);
    try {
      for (int i = 0; i < 5; i++) {
        p.execute(() -> block(release));
      }

      // Then the next submission is rejected: the maximum is the owner's now, not the governor's
      assertThatThrownBy(() -> p.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
      assertThat(p.getMaximumPoolSize()).isEqualTo(3);
    } finally {
      release.countDown();
    }
  }

  @Test
  void demandAboveALoweredMaximumWithManyBusyThreadsIsAcceptedWithoutDeepRecursion() throws Exception {
    // Given 1000 busy threads and a full queue in a pool configured for 1001, cut to a maximum of 1
    ThreadPoolExecutor p = pool(1000, 1001, 1, 60_000);
    ThreadPoolGovernable g = ThreadPoolGovernable.adopt("many", p);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger done = new AtomicInteger();
    try {
      for (int i = 0; i < 1001; i++) {
        p.execute(() -> {
          block(release);
          done.incrementAndGet();
        });
      }
      g.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
      assertThat(p.getMaximumPoolSize()).isEqualTo(1);
      assertThat(p.getPoolSize()).isEqualTo(1000);

      // When one more task is submitted from a thread with a small stack
      List<Throwable> thrown = new ArrayList<>();
      Thread submitter = new Thread(null, () -> {
        try {
          p.execute(done::incrementAndGet);
        } catch (Throwable t) {
          thrown.add(t);
        }
      }, "small-stack-submitter", 256 * 1024);
      submitter.start();
      submitter.join(10_000);

      // Then it is accepted (no StackOverflowError, no rejection) and runs
      assertThat(thrown).isEmpty();
      assertThat(p.getMaximumPoolSize()).isEqualTo(1001);
    } finally {
      release.countDown();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> done.get() == 1002);
  }

  @Test
  void sizesTheOwnerLowersAreTheNewConfiguredSizesAndARestoreLeavesThem() {
    // Given a pool adopted at core 4, max 8, whose owner lowers the maximum to 6 without any cut
    ThreadPoolExecutor p = pool(4, 8, 4, 60_000);
    ThreadPoolGovernable g = ThreadPoolGovernable.adopt("lowered", p);
    p.setMaximumPoolSize(6);

    // Then nothing is to restore: 6 is the configured maximum now
    assertThat(g.restorePending()).isFalse();
    assertThat(g.configuredBudget()).isEqualTo(6);

    // Given a standard cut (max 3, core 3, core threads time out), after which the owner sets core 2, max 2
    g.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API));
    assertThat(p.getMaximumPoolSize()).isEqualTo(3);
    p.setCorePoolSize(2);
    p.setMaximumPoolSize(2);

    // When the governor restores until nothing is pending
    for (int steps = 0; g.restorePending(); steps++) {
      if (steps == MAX_RESTORE_STEPS) {
        fail("a restore is still pending after " + MAX_RESTORE_STEPS + " restore steps");
      }
      g.restore(new RestoreRequest(25));
    }

    // Then the owner's sizes stand, and the cleanup's core-thread timeout is off again
    assertThat(p.getMaximumPoolSize()).isEqualTo(2);
    assertThat(p.getCorePoolSize()).isEqualTo(2);
    assertThat(p.allowsCoreThreadTimeOut()).isFalse();
    assertThat(g.configuredBudget()).isEqualTo(2);
    assertThat(g.state()).startsWith("core 2/2, max 2/2");
  }

  @Test
  void afterDemandRaisedTheMaximumBackTheRestoreStillBringsBackTheCoreSizeAndItsTimeout() {
    // Given a pool cut to one thread at emergency (core 1, core threads time out)
    ThreadPoolExecutor p = pool(4, 8, 1, 60_000);
    ThreadPoolGovernable g = ThreadPoolGovernable.adopt("burst", p);
    g.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
    assertThat(p.getCorePoolSize()).isEqualTo(1);
    assertThat(p.allowsCoreThreadTimeOut()).isTrue();

    // When a burst raises the maximum back to the configured 8, one rejection at a time
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < 9; i++) {
      p.execute(() -> block(release));
    }
    assertThat(p.getMaximumPoolSize()).isEqualTo(8);
    release.countDown();

    // Then a restore is still due, and the steps bring back core 4 without the timeout
    assertThat(g.restorePending()).isTrue();
    for (int i = 0; i < 10 && g.restorePending(); i++) {
      g.restore(new RestoreRequest(25));
    }
    assertThat(g.restorePending()).isFalse();
    assertThat(p.getCorePoolSize()).isEqualTo(4);
    assertThat(p.getMaximumPoolSize()).isEqualTo(8);
    assertThat(p.allowsCoreThreadTimeOut()).isFalse();
  }

  @Test
  void aTimeoutTheOwnerSetIsNotUndoneByARestore() {
    ThreadPoolExecutor p = pool(4, 8, 4, 60_000);
    p.allowCoreThreadTimeOut(true); // the owner's choice, at adoption
    ThreadPoolGovernable g = ThreadPoolGovernable.adopt("owner", p);
    g.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API));
    for (int steps = 0; g.restorePending(); steps++) {
      if (steps == MAX_RESTORE_STEPS) {
        fail("a restore is still pending after " + MAX_RESTORE_STEPS + " restore steps");
      }
      g.restore(new RestoreRequest(100));
    }
    assertThat(p.allowsCoreThreadTimeOut()).isTrue();
    assertThat(p.getMaximumPoolSize()).isEqualTo(8);
  }

  @Test
  void standardHalvesTheMaximumAndIdleThreadsExit() throws Exception {
    ThreadPoolExecutor p = pool(4, 8, 4, 300);
    ThreadPoolGovernable g = ThreadPoolGovernable.adopt("idle", p);
    fillPool(p);
    assertThat(g.footprintBytes()).isEqualTo(p.getPoolSize() * ThreadPoolGovernable.BYTES_PER_THREAD).isPositive();
    ReclaimResult r = g.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.TIMER));
    assertThat(r.changed()).isTrue();
    assertThat(p.getMaximumPoolSize()).isEqualTo(4);
    assertThat(p.getCorePoolSize()).isEqualTo(4);
    await().atMost(Duration.ofSeconds(5)).until(() -> p.getPoolSize() == 0); // core threads time out (300 ms)
    assertThat(g.footprintBytes()).isZero();
  }

  @Test
  void aByteTargetStopsShortOfWhatTheLevelAllows() throws Exception {
    ThreadPoolExecutor p = pool(4, 8, 4, 60_000);
    ThreadPoolGovernable g = ThreadPoolGovernable.adopt("sized", p);
    fillPool(p);
    g.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 2 * ThreadPoolGovernable.BYTES_PER_THREAD, Trigger.GC));
    assertThat(p.getMaximumPoolSize()).isEqualTo(6);
  }

  @Test
  void unboundedQueuePoolsQueueTasksWhileShrunk() throws Exception {
    ThreadPoolExecutor p = pool(4, 4, -1);
    ThreadPoolGovernable g = ThreadPoolGovernable.adopt("unbounded", p);
    g.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API));
    assertThat(p.getCorePoolSize()).isEqualTo(1);
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < 50; i++) {
      p.execute(() -> sleepAndCount(done));
    }
    assertThat(p.getPoolSize()).isLessThanOrEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 50);
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    assertThatThrownBy(() -> ThreadPoolGovernable.adopt(" ", pool(1, 1, 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("memgov threads: name must not be blank, but was ' '");
    ThreadPoolExecutor dead = pool(1, 1, 1);
    dead.shutdown();
    assertThatThrownBy(() -> ThreadPoolGovernable.adopt("dead", dead))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the executor is shut down");
    assertThatThrownBy(() -> ThreadPoolGovernable.adopt("orphan", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("memgov threads 'orphan': executor must be a running ThreadPoolExecutor, but was null");
  }

  @Test
  void governedByARealGovernorWithTheOthers() {
    ThreadPoolExecutor p = pool(4, 8, 4);
    MemoryGovernor governor = MemoryGovernor.builder().name("pool-test").jmxEnabled(false).jvmGovernable(false)
        .governable(ThreadPoolGovernable.adopt("workers", p))
        .policy(GovernorPolicy.builder().timerTriggerEnabled(false).build()).build();
    governor.start();
    try {
      CleanupReport r = governor.optimize(CleanupLevel.STANDARD);
      assertThat(r.outcomes()).singleElement().satisfies(o -> {
        assertThat(o.budgetBefore()).isEqualTo(8);
        assertThat(o.budgetAfter()).isEqualTo(4);
      });
      assertThat(governor.status().governables().get(0).state()).startsWith("core 4/4, max 4/8");
    } finally {
      governor.close();
    }
  }

  private void fillPool(ThreadPoolExecutor p) {
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < 12; i++) {
      p.execute(() -> block(release));
    }
    release.countDown();
    org.awaitility.Awaitility.await().until(() -> p.getActiveCount() == 0 && p.getQueue().isEmpty());
  }
}
