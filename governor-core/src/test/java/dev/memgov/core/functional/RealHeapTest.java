package dev.memgov.core.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.testkit.MemoryCgroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real loop end to end in child JVMs with a 96 MiB G1 heap: a cache that wants 90 MiB fills
 * steadily. Ungoverned, the JVM runs out of heap. Governed (real sensor, real GC notifications, no
 * manual call), after-GC occupancy crosses CRITICAL, the governor reclaims the gap and the app
 * lives.
 */
class RealHeapTest {
  static final List<String> JVM = List.of("-Xmx96m", "-Xms96m", "-XX:+UseG1GC", "-Xlog:disable", "-Xlog:all=error:stderr");

  @Test
  void givenAHeapHungryCacheWhenTheLiveSetCrossesCriticalThenTheGovernorReclaimsItBeforeAnyOutOfMemoryError()
      throws Exception {
    // Given the same app without a governor: it dies of OutOfMemoryError (the control)
    MemoryCgroup.Result ungoverned = MemoryCgroup.runPlain(
        MemoryCgroup.javaCommand(JVM, HeapHungryApp.class, "ungoverned", "90", "6000"), Duration.ofSeconds(60));
    assertThat(ungoverned.properties().get("oom")).as("control run: %s %s", ungoverned.stdout(), ungoverned.stderr())
        .isEqualTo("true");

    // When it runs with the governor
    MemoryCgroup.Result governed = MemoryCgroup.runPlain(
        MemoryCgroup.javaCommand(JVM, HeapHungryApp.class, "governed", "90", "6000"), Duration.ofSeconds(60));

    // Then pressure reached CRITICAL, automatic cleanups (GC- or timer-triggered) reclaimed memory,
    // nobody called optimize, and there was no OutOfMemoryError
    Map<String, String> p = governed.properties();
    String out = governed.stdout() + governed.stderr();
    assertThat(governed.exitCode()).as(out).isZero();
    assertThat(p.get("oom")).as(out).isEqualTo("false");
    assertThat(p.get("maxLevel")).as(out).isIn("CRITICAL", "EMERGENCY");
    assertThat(p.get("manualCleanups")).isEqualTo("0");
    assertThat(Integer.parseInt(p.get("autoCleanups"))).as(out).isPositive();
    String[] first = p.get("firstStandardOrAbove").split("/");
    assertThat(first).as(out).hasSize(3);
    assertThat(first[1]).as("the first cleanup at CRITICAL came from a GC notification: %s", out).isEqualTo("gc");
    assertThat(Long.parseLong(first[2])).as(out).isPositive();
    assertThat(Long.parseLong(p.get("budget"))).as(out).isLessThan(90L << 20);
    assertThat(Double.parseDouble(p.get("finalHeapRatio"))).as(out).isLessThan(0.85);
  }
}
