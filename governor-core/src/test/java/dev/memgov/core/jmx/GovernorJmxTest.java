package dev.memgov.core.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.internal.DefaultMemoryGovernor;
import dev.memgov.core.internal.FakeClock;
import dev.memgov.core.internal.ScriptedSensor;
import dev.memgov.core.internal.TestGovernable;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The governor's MBeans through the real platform MBean server. */
class GovernorJmxTest {
  static final long MIB = 1L << 20;
  final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  final FakeClock clock = new FakeClock();
  final ScriptedSensor sensor = new ScriptedSensor(clock);
  final List<MemoryGovernor> toClose = new ArrayList<>();

  DefaultMemoryGovernor governor(String name, TestGovernable... gs) {
    var b = MemoryGovernor.builder().name(name).clock(clock).sensor(sensor).jvmGovernable(false)
        .policy(GovernorPolicy.builder().timerTriggerEnabled(false).build());
    for (TestGovernable g : gs) {
      b.governable(g);
    }
    DefaultMemoryGovernor g = (DefaultMemoryGovernor) b.build();
    toClose.add(g);
    return g;
  }

  @AfterEach
  void close() {
    toClose.forEach(MemoryGovernor::close);
  }

  @Test
  void attributesOperationsAndALevelChangeNotification() throws Exception {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 100 * MIB);
    DefaultMemoryGovernor g = governor("jmx-test", cache);
    g.start();
    ObjectName on = new ObjectName("dev.memgov:type=MemoryGovernor,name=jmx-test");
    assertThat(server.isRegistered(on)).isTrue();
    await().until(() -> (Long) server.getAttribute(on, "Ticks") >= 1);

    assertThat(server.getAttribute(on, "Level")).isEqualTo("NORMAL");
    assertThat(server.getAttribute(on, "GoverningSignal")).isEqualTo("heap");
    assertThat((Double) server.getAttribute(on, "HeapAfterGcPercent")).isCloseTo(30.0, Offset.offset(0.01));
    assertThat(server.getAttribute(on, "HeapMaxBytes")).isEqualTo(ScriptedSensor.HEAP_MAX);
    assertThat(server.getAttribute(on, "OldGenMaxBytes")).isEqualTo(ScriptedSensor.HEAP_MAX);
    assertThat((Double) server.getAttribute(on, "RssPercent")).isNaN();
    assertThat(server.getAttribute(on, "GovernableCount")).isEqualTo(1);
    assertThat(server.getAttribute(on, "Running")).isEqualTo(true);

    List<Notification> received = new CopyOnWriteArrayList<>();
    NotificationListener listener = (n, hb) -> received.add(n);
    server.addNotificationListener(on, listener, null, null);
    sensor.ratio(0.9);
    g.tickNow();
    await().until(() -> !received.isEmpty());
    Notification n = received.get(0);
    assertThat(n.getType()).isEqualTo(GovernorJmx.LEVEL_CHANGED);
    assertThat(n.getMessage()).contains("NORMAL -> CRITICAL");
    CompositeData data = (CompositeData) n.getUserData();
    assertThat(data.get("from")).isEqualTo("NORMAL");
    assertThat(data.get("to")).isEqualTo("CRITICAL");
    assertThat((Double) data.get("governingPercent")).isCloseTo(90.0, Offset.offset(0.01));
    server.removeNotificationListener(on, listener);
    assertThat(server.getAttribute(on, "Level")).isEqualTo("CRITICAL");
    assertThat((String) server.getAttribute(on, "LastCleanup")).startsWith("cleanup #1 standard (timer) at CRITICAL");

    // optimize as text, then as composite data
    String text = (String) server.invoke(on, "optimize", new Object[] {"aggressive", true},
        new String[] {String.class.getName(), boolean.class.getName()});
    assertThat(text).startsWith("cleanup #2 aggressive (jmx)").contains("cache (test)");
    CompositeData report = (CompositeData) server.invoke(on, "optimizeReport", new Object[] {"emergency", true},
        new String[] {String.class.getName(), boolean.class.getName()});
    assertThat(report.get("level")).isEqualTo("emergency");
    assertThat(report.get("trigger")).isEqualTo("jmx");
    CompositeData[] outcomes = (CompositeData[]) report.get("outcomes");
    assertThat(outcomes).hasSize(1);
    assertThat(outcomes[0].get("name")).isEqualTo("cache");
    assertThat((Long) outcomes[0].get("bytesAfter")).isZero();
    assertThat(cache.footprintBytes()).isZero();
  }

  @Test
  void badInputAndRefusalsCrossJmxAsJdkExceptionsWithTheFix() throws Exception {
    DefaultMemoryGovernor g = governor("jmx-errors", new TestGovernable("cache", RebuildCost.CHEAP, MIB));
    g.start();
    ObjectName on = GovernorJmx.governorName("jmx-errors");
    String[] sig = {String.class.getName(), boolean.class.getName()};
    assertThatThrownBy(() -> server.invoke(on, "optimize", new Object[] {"huge", false}, sig))
        .isInstanceOf(RuntimeMBeanException.class)
        .cause().isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cleanup level must be one of light|standard|aggressive|emergency, but was 'huge'");
    server.invoke(on, "optimize", new Object[] {"standard", false}, sig);
    assertThatThrownBy(() -> server.invoke(on, "optimize", new Object[] {"standard", false}, sig))
        .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("retry in").hasMessageContaining("force=true");
    assertThatThrownBy(() -> server.invoke(on, "clearCache", new Object[] {"nope"}, new String[] {String.class.getName()}))
        .cause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("all|l1|l2");
  }

  @Test
  void oneMBeanPerGovernableKeptInStepWithTheRegistry() throws Exception {
    TestGovernable pool = new TestGovernable("hikari:main", RebuildCost.FREE, 3 * MIB);
    DefaultMemoryGovernor g = governor("jmx-gov", pool);
    g.start();
    ObjectName poolName = GovernorJmx.governableName("jmx-gov", "hikari:main");
    assertThat(poolName.toString()).isEqualTo("dev.memgov:type=Governable,governor=jmx-gov,name=\"hikari:main\"");
    assertThat(server.getAttribute(poolName, "FootprintBytes")).isEqualTo(3 * MIB);
    assertThat(server.getAttribute(poolName, "BudgetUnit")).isEqualTo("bytes");
    assertThat(server.getAttribute(poolName, "RebuildCost")).isEqualTo("FREE");

    g.register(new TestGovernable("late", RebuildCost.CHEAP, MIB));
    ObjectName late = GovernorJmx.governableName("jmx-gov", "late");
    await().until(() -> server.isRegistered(late));
    g.unregister("late");
    await().until(() -> !server.isRegistered(late));

    g.close();
    assertThat(server.isRegistered(poolName)).isFalse();
    assertThat(server.isRegistered(GovernorJmx.governorName("jmx-gov"))).isFalse();
  }

  @Test
  void aNameClashIsLoggedNotFatalAndLeavesTheFirstAlone() throws Exception {
    DefaultMemoryGovernor first = governor("jmx-clash");
    first.start();
    DefaultMemoryGovernor second = governor("jmx-clash");
    second.start(); // does not throw
    assertThat(second.isRunning()).isTrue();
    second.close();
    ObjectName on = GovernorJmx.governorName("jmx-clash");
    assertThat(server.isRegistered(on)).isTrue();
    assertThat(server.getAttribute(on, "Running")).isEqualTo(true);
    first.close();
    assertThat(server.isRegistered(on)).isFalse();
  }

  @Test
  void jmxCanBeSwitchedOff() {
    MemoryGovernor g = MemoryGovernor.builder().name("jmx-off").sensor(sensor).jmxEnabled(false).jvmGovernable(false).build();
    toClose.add(g);
    g.start();
    assertThat(server.isRegistered(GovernorJmx.governorName("jmx-off"))).isFalse();
    assertThat(g.optimize(CleanupLevel.LIGHT)).isNotNull();
  }
}
