package dev.memgov.core.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memgov.core.GovernorClock;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The real sensor on this JVM and machine: real /proc, real GC, real MXBeans. */
class SystemMemorySensorTest {

  private static final long MIB = 1L << 20;

  /** Keeps allocations reachable so the GC cannot drop them. */
  private static volatile List<byte[]> retained;

  @Test
  void rssAgreesWithVmRssOfProcSelfStatus() throws IOException {
    Path status = Path.of("/proc/self/status");
    assumeTrue(Files.isReadable(status), "no /proc/self/status on this platform");
    try (MemorySensor sensor = MemorySensor.system(GovernorPolicy.defaults(), GovernorClock.system())) {
      // the process's RSS moves while this runs (JIT, GC, other test threads; 16 MiB between two
      // reads was seen): bracket the sample between two reads of VmRSS
      long before = vmRssBytes(status);
      MemorySnapshot s = sensor.sample();
      long after = vmRssBytes(status);
      assertThat(s.rss()).isPositive();
      assertThat((double) s.rss()).isBetween(Math.min(before, after) * 0.95, Math.max(before, after) * 1.05);
      assertThat(s.unknownReasons()).doesNotContainKey("rss");
    }
  }

  @Test
  void aRealGcRefreshesTheAfterGcFigureAndCallsBack() {
    AtomicInteger gcEnds = new AtomicInteger();
    try (SystemMemorySensor sensor = new SystemMemorySensor(GovernorPolicy.defaults(), GovernorClock.system())) {
      sensor.start(gcEnds::incrementAndGet);
      retain(96);
      System.gc();
      await().atMost(Duration.ofSeconds(10)).until(() -> gcEnds.get() > 0);
      MemorySnapshot full = awaitAfterGc(sensor, a -> a >= 96 * MIB);

      retained = null;
      int seen = gcEnds.get();
      System.gc();
      await().atMost(Duration.ofSeconds(10)).until(() -> gcEnds.get() > seen);
      MemorySnapshot empty = awaitAfterGc(sensor, a -> a <= full.oldGenAfterGc() - 80 * MIB);

      assertThat(empty.gcCount()).isGreaterThan(full.gcCount());
      assertThat(empty.lastGcPauseMillis()).isNotNegative();
      assertThat(empty.unknownReasons()).doesNotContainKeys("oldGenAfterGc", "lastGcPauseMillis");
    }
  }

  /** Keeps the young garbage of the test below from being optimised away. */
  static volatile Object sink;

  @Test
  void aYoungGcFigureIsPartialAndAConfirmingFullGcReplacesIt() {
    assumeTrue(ManagementFactory.getGarbageCollectorMXBeans().stream()
            .anyMatch(b -> List.of("G1 Young Generation", "Copy", "PS Scavenge").contains(b.getName())),
        "needs a generational collector (G1, Serial or Parallel)");
    try (SystemMemorySensor sensor = new SystemMemorySensor(GovernorPolicy.defaults(), GovernorClock.system())) {
      sensor.start(() -> { });
      retain(64);
      System.gc();
      await().atMost(Duration.ofSeconds(10)).until(() -> !sensor.heapFigurePartial()
          && sensor.sample().oldGenAfterGc() >= 64 * MIB);

      // young garbage until a young GC's figure is the latest
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        for (int i = 0; i < 10_000; i++) {
          sink = new byte[1024];
        }
        return sensor.heapFigurePartial();
      });
      long gcsBefore = sensor.sample().gcCount();

      MemorySnapshot full = sensor.sampleAfterFullGc();

      assertThat(full).as("System.gc() runs in this JVM").isNotNull();
      assertThat(full.gcCount()).isGreaterThan(gcsBefore);
      assertThat(full.oldGenAfterGc()).isGreaterThanOrEqualTo(64 * MIB);
      assertThat(sensor.heapFigurePartial()).isFalse();
    }
  }

  @Test
  void theAfterGcFigureIsRightWithoutStart() {
    try (SystemMemorySensor sensor = new SystemMemorySensor(GovernorPolicy.defaults(), GovernorClock.system())) {
      sensor.sample();
      retain(96);
      System.gc();
      MemorySnapshot full = sensor.sample();
      assertThat(full.oldGenAfterGc()).isGreaterThanOrEqualTo(96 * MIB);
      retained = null;
      System.gc();
      MemorySnapshot empty = sensor.sample();
      assertThat(empty.oldGenAfterGc()).isLessThanOrEqualTo(full.oldGenAfterGc() - 80 * MIB);
    }
  }

  @Test
  void closeRemovesTheGcListeners() {
    AtomicInteger closedOne = new AtomicInteger();
    AtomicInteger witness = new AtomicInteger();
    SystemMemorySensor sensor = new SystemMemorySensor(GovernorPolicy.defaults(), GovernorClock.system());
    sensor.start(closedOne::incrementAndGet);
    sensor.close();
    try (SystemMemorySensor other = new SystemMemorySensor(GovernorPolicy.defaults(), GovernorClock.system())) {
      other.start(witness::incrementAndGet);
      System.gc();
      // listeners on one collector run one after another on the same notification thread
      await().atMost(Duration.ofSeconds(10)).until(() -> witness.get() > 0);
    }
    assertThat(closedOne.get()).isZero();
    assertThatThrownBy(() -> sensor.start(() -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("memgov sensor: closed");
  }

  @Test
  void heapAndNonHeapFiguresAreFilled() {
    try (MemorySensor sensor = MemorySensor.system(GovernorPolicy.defaults(), GovernorClock.system())) {
      MemorySnapshot s = sensor.sample();
      assertThat(s.heapUsed()).isPositive().isLessThanOrEqualTo(s.heapCommitted());
      assertThat(s.heapMax()).isEqualTo(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax());
      assertThat(s.metaspaceUsed()).isPositive();
      assertThat(s.codeCacheUsed()).isPositive();
      assertThat(s.directBufferUsed()).isNotNegative();
      assertThat(s.mappedBufferUsed()).isNotNegative();
      assertThat(s.threadCount()).isCloseTo(ManagementFactory.getThreadMXBean().getThreadCount(), within(3));
      assertThat(s.rssLimit()).isEqualTo(MemorySnapshot.UNKNOWN);
      assertThat(s.unknownReasons()).containsEntry("rssLimit", "no rssLimit configured");
    }
  }

  @Test
  void theConfiguredRssLimitIsReported() {
    GovernorPolicy policy = GovernorPolicy.builder().rssLimitBytes(512 * MIB).build();
    try (MemorySensor sensor = MemorySensor.system(policy, GovernorClock.system())) {
      MemorySnapshot s = sensor.sample();
      assertThat(s.rssLimit()).isEqualTo(512 * MIB);
      assertThat(s.unknownReasons()).doesNotContainKey("rssLimit");
      assertThat(s.rssRatio()).isEqualTo((double) s.rss() / (512 * MIB));
    }
  }

  @Test
  void theContainerOfThisProcessIsReadOrExplained() {
    try (SystemMemorySensor sensor = new SystemMemorySensor(GovernorPolicy.defaults(), GovernorClock.system())) {
      MemorySnapshot s = sensor.sample();
      if (sensor.containerDescription() == null) {
        assertThat(s.containerUsage()).isEqualTo(MemorySnapshot.UNKNOWN);
        assertThat(s.unknownReasons()).containsKey("containerUsage");
      } else {
        System.out.println("memory cgroup: " + sensor.containerDescription() + ", limit " + s.containerLimit());
        assertThat(s.containerUsage()).isPositive();
        assertThat(s.containerWorkingSet()).isBetween(0L, s.containerUsage());
        assertThat(s.containerLimit()).isPositive();
      }
    }
  }

  @Test
  void theReasonsMapIsSharedBetweenSamples() {
    try (MemorySensor sensor = MemorySensor.system(GovernorPolicy.defaults(), GovernorClock.system())) {
      sensor.sample();
      MemorySnapshot a = sensor.sample();
      MemorySnapshot b = sensor.sample();
      assertThat(b.unknownReasons()).isSameAs(a.unknownReasons());
      assertThatThrownBy(() -> a.unknownReasons().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  private static MemorySnapshot awaitAfterGc(MemorySensor sensor, java.util.function.LongPredicate ok) {
    MemorySnapshot[] last = new MemorySnapshot[1];
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      last[0] = sensor.sample();
      return ok.test(last[0].oldGenAfterGc());
    });
    return last[0];
  }

  private static void retain(int mib) {
    List<byte[]> list = new ArrayList<>();
    for (int i = 0; i < mib; i++) {
      list.add(new byte[(int) MIB]);
    }
    retained = list;
  }

  private static long vmRssBytes(Path status) throws IOException {
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new AssertionError("no VmRSS line in " + status);
  }
}
