package dev.memgov.core.jvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.Governable;
import dev.memgov.core.GovernableContractTest;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import dev.memgov.core.Trigger;
import dev.memgov.core.internal.TestGovernable;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The JVM governable against this real JVM: real GC, real native trim, real manageable flags. */
class JvmGovernableTest extends GovernableContractTest {
  static final HotSpotDiagnosticMXBean HOTSPOT = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
  final String periodicBefore = HOTSPOT.getVMOption(JvmGovernable.PERIODIC).getValue();
  static volatile Object sink;

  @AfterEach
  void putTheFlagBack() {
    HOTSPOT.setVMOption(JvmGovernable.PERIODIC, periodicBefore);
  }

  @Override
  protected Governable create() {
    return new JvmGovernable(GovernorPolicy.defaults());
  }

  /**
   * Its footprint is 0 and, under G1 (this JVM's collector), its budget does not move: what a GC
   * and a trim give back shows in the snapshot, not in its own figures (the tests below check it).
   */
  @Override
  protected boolean givesBackAt(CleanupLevel level) {
    return false;
  }

  @Override
  protected void fill(Governable governable) {
    List<byte[]> garbage = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      garbage.add(new byte[64 * 1024]);
    }
    sink = garbage;
    sink = null;
  }

  static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, b.getCollectionCount());
    }
    return n;
  }

  @Test
  void aggressiveRequestsAGcAndTrimsTheNativeHeapWithRssBeforeAndAfter() {
    JvmGovernable jvm = new JvmGovernable(GovernorPolicy.defaults());
    long gcs = gcCount();

    ReclaimResult r = jvm.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API));

    assertThat(gcCount()).isGreaterThan(gcs);
    assertThat(r.changed()).isTrue();
    assertThat(r.action()).contains("gc: heap used ");
    if (jvm.trimAvailable()) {
      assertThat(r.action()).containsPattern("native trim: RSS \\d+ KiB -> \\d+ KiB");
    } else {
      assertThat(r.action()).contains("native trim skipped: this JVM's DiagnosticCommand has no systemTrimNativeHeap");
    }
    assertThat(jvm.state()).contains(jvm.collector()).contains("gc: heap used");
  }

  @Test
  void lightAndStandardLeaveTheJvmAlone() {
    JvmGovernable jvm = new JvmGovernable(GovernorPolicy.defaults());
    for (CleanupLevel level : List.of(CleanupLevel.LIGHT, CleanupLevel.STANDARD)) {
      ReclaimResult r = jvm.reclaim(new ReclaimRequest(level, 1 << 20, Trigger.API));
      assertThat(r.changed()).isFalse();
      assertThat(r.action()).contains("GC and native trim run at aggressive and emergency");
    }
  }

  @Test
  void eachActionCanBeSwitchedOffByPolicy() {
    JvmGovernable jvm = new JvmGovernable(GovernorPolicy.builder().systemGcEnabled(false).nativeTrimEnabled(false).build());
    ReclaimResult r = jvm.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
    assertThat(r.action())
        .contains("gc skipped: disabled by policy (systemGc=false)")
        .contains("native trim skipped: disabled by policy (nativeTrim=false)")
        .doesNotContain("gc: heap used");
  }

  @Test
  void idleUncommitSetsG1PeriodicGcIntervalAndRevertsIt() {
    JvmGovernable jvm = new JvmGovernable(GovernorPolicy.builder().idleUncommitInterval(Duration.ofSeconds(42)).build());
    String done = jvm.applyIdleUncommit();
    if (jvm.collector().equals("G1")) {
      assertThat(done).isEqualTo("G1PeriodicGCInterval " + periodicBefore + " -> 42000 ms");
      assertThat(HOTSPOT.getVMOption(JvmGovernable.PERIODIC).getValue()).isEqualTo("42000");
      jvm.revertIdleUncommit();
      assertThat(HOTSPOT.getVMOption(JvmGovernable.PERIODIC).getValue()).isEqualTo(periodicBefore);
    } else {
      assertThat(done).startsWith("idle uncommit skipped: G1PeriodicGCInterval is G1's");
    }
  }

  @Test
  void twoGovernorsInOneJvmPutTheIdleUncommitIntervalBackWhicheverClosesFirst() {
    // given two governors in this JVM, each with its own JVM governable and interval
    JvmGovernable first = new JvmGovernable(GovernorPolicy.builder().idleUncommitInterval(Duration.ofSeconds(7)).build());
    JvmGovernable second = new JvmGovernable(GovernorPolicy.builder().idleUncommitInterval(Duration.ofSeconds(9)).build());
    Assumptions.assumeTrue(first.collector().equals("G1"));
    first.applyIdleUncommit();
    second.applyIdleUncommit();

    // when the first one closes, the second keeps idle uncommit on
    first.release();
    assertThat(HOTSPOT.getVMOption(JvmGovernable.PERIODIC).getValue()).isEqualTo("9000");

    // then when the second one closes too, the JVM's own value is back
    second.release();
    assertThat(HOTSPOT.getVMOption(JvmGovernable.PERIODIC).getValue()).isEqualTo(periodicBefore);
  }

  @Test
  void aZeroIntervalLeavesTheFlagAlone() {
    JvmGovernable jvm = new JvmGovernable(GovernorPolicy.builder().idleUncommitInterval(Duration.ZERO).build());
    assertThat(jvm.applyIdleUncommit()).isEqualTo("idle uncommit left alone (idleUncommitInterval=0)");
    assertThat(HOTSPOT.getVMOption(JvmGovernable.PERIODIC).getValue()).isEqualTo(periodicBefore);
  }

  @Test
  void theBuilderRegistersItAndTheGovernorAppliesAndRevertsIdleUncommit() {
    MemoryGovernor g = MemoryGovernor.builder().name("jvm-test").jmxEnabled(false)
        .policy(GovernorPolicy.builder().timerTriggerEnabled(false).idleUncommitInterval(Duration.ofSeconds(7)).build())
        .build();
    assertThat(g.governables()).extracting(Governable::name).containsExactly("jvm");
    g.start();
    try {
      if (((JvmGovernable) g.governables().get(0)).collector().equals("G1")) {
        assertThat(HOTSPOT.getVMOption(JvmGovernable.PERIODIC).getValue()).isEqualTo("7000");
      }
    } finally {
      g.close();
    }
    assertThat(HOTSPOT.getVMOption(JvmGovernable.PERIODIC).getValue()).isEqualTo(periodicBefore);
    assertThat(MemoryGovernor.builder().jmxEnabled(false).jvmGovernable(false).build().governables()).isEmpty();
  }

  @Test
  void closePutsTheFlagBackEvenWhenAnotherGovernableThrowsAnErrorWhileGrowingBack() {
    // given a G1 governor that set G1PeriodicGCInterval, and a governable whose restore overflows the stack
    TestGovernable broken = new TestGovernable("broken", RebuildCost.CHEAP, 1 << 20) {
      @Override
      public boolean restorePending() {
        return true;
      }

      @Override
      public RestoreResult restore(RestoreRequest request) {
        throw new StackOverflowError("restore");
      }
    };
    MemoryGovernor g = MemoryGovernor.builder().name("jvm-close-error").jmxEnabled(false).governable(broken)
        .policy(GovernorPolicy.builder().timerTriggerEnabled(false).idleUncommitInterval(Duration.ofSeconds(7)).build())
        .build();
    Assumptions.assumeTrue(((JvmGovernable) g.governables().get(1)).collector().equals("G1"));
    g.start();
    assertThat(HOTSPOT.getVMOption(JvmGovernable.PERIODIC).getValue()).isEqualTo("7000");

    // when it closes
    g.close();

    // then the JVM flag is put back all the same, and close() itself did not fail
    assertThat(HOTSPOT.getVMOption(JvmGovernable.PERIODIC).getValue()).isEqualTo(periodicBefore);
    assertThat(g.isRunning()).isFalse();
  }

  @Test
  void theNameJvmIsReservedWhileTheJvmGovernableIsOn() {
    assertThatThrownBy(() -> MemoryGovernor.builder().jmxEnabled(false).governable(create()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'jvm' is taken by the JVM governable; rename yours or build with jvmGovernable(false)");
  }
}
