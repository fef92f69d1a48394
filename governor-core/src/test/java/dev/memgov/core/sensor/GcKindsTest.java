package dev.memgov.core.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memgov.core.testkit.MemoryCgroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The after-GC figure, GC count and overhead under each collector, each in a child JVM with a
 * 256 MiB heap that retains 48 MiB and runs {@code System.gc()}. The heap starts at its maximum:
 * with a small initial heap, Parallel's full GC left part of the 48 MiB in the young generation
 * when the old one had not grown enough yet (old gen 44.8 MB after the GC, once).
 */
class GcKindsTest {

  @ParameterizedTest
  @ValueSource(strings = {"-XX:+UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseG1GC", "-XX:+UseZGC", "-XX:+UseShenandoahGC"})
  void theOldGenerationAfterGcIsSeen(String gcFlag) throws Exception {
    MemoryCgroup.Result probe = MemoryCgroup.runPlain(
        List.of(java(), gcFlag, "-version"), Duration.ofSeconds(30));
    if (probe.exitCode() != 0) {
      System.out.println("GcKindsTest " + gcFlag + " skipped: this JVM does not offer it");
    }
    assumeTrue(probe.exitCode() == 0, () -> "this JVM does not offer " + gcFlag);

    MemoryCgroup.Result r = MemoryCgroup.runPlain(
        MemoryCgroup.javaCommand(List.of(gcFlag, "-Xmx256m", "-Xms256m"), SnapshotPrinter.class, "48"),
        Duration.ofSeconds(60));
    assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();
    Map<String, String> s = r.properties();
    assertThat(s.get("notified")).isEqualTo("true");
    assertThat(s.get("partial")).as("a System.gc() figure is a whole-heap one").isEqualTo("false");
    assertThat(Long.parseLong(s.get("gcCount"))).isPositive();
    assertThat(Long.parseLong(s.get("oldGenAfterGc")))
        .isGreaterThanOrEqualTo(48L << 20)
        .isLessThanOrEqualTo(Long.parseLong(s.get("heapMax")));
    assertThat(Double.parseDouble(s.get("gcOverheadPercent"))).isBetween(0.0, 100.0);
    assertThat(Long.parseLong(s.get("lastGcPauseMillis"))).isNotNegative();
  }

  private static String java() {
    return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
