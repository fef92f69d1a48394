package dev.memgov.core.jvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memgov.core.testkit.MemoryCgroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JVM governable under other collectors, each in a child JVM. */
class JvmGovernableCollectorsTest {

  static Map<String, String> probe(String gcFlag) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    assumeTrue(MemoryCgroup.runPlain(List.of(java, gcFlag, "-version"), Duration.ofSeconds(30)).exitCode() == 0,
        () -> "this JVM does not offer " + gcFlag);
    MemoryCgroup.Result r = MemoryCgroup.runPlain(
        MemoryCgroup.javaCommand(List.of(gcFlag, "-Xmx128m"), JvmGovernableProbe.class), Duration.ofSeconds(60));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.properties();
  }

  @Test
  void underSerialIdleUncommitIsSkippedWithTheReasonAndGcStillRuns() throws Exception {
    Map<String, String> p = probe("-XX:+UseSerialGC");
    assertThat(p.get("collector")).isEqualTo("Serial");
    assertThat(p.get("idle")).isEqualTo("idle uncommit skipped: G1PeriodicGCInterval is G1's; this JVM runs Serial");
    assertThat(p.get("action")).contains("heap used");
    assertThat(p.get("reduced")).isEqualTo(p.get("configured"));
    assertThat(p.get("restoreSteps")).isEqualTo("0");
  }

  @Test
  void underZgcSoftMaxHeapSizeIsLoweredUnderPressureAndRestoredInSteps() throws Exception {
    Map<String, String> p = probe("-XX:+UseZGC");
    assertThat(p.get("collector")).isEqualTo("ZGC");
    assertThat(p.get("idle")).startsWith("idle uncommit skipped: G1PeriodicGCInterval is G1's; this JVM runs ZGC")
        .contains("SoftMaxHeapSize is lowered under pressure instead");
    long configured = Long.parseLong(p.get("configured"));
    long reduced = Long.parseLong(p.get("reduced"));
    assertThat(configured).isEqualTo(128L << 20);
    assertThat(reduced).isLessThan(configured).isGreaterThanOrEqualTo(configured / 4);
    assertThat(p.get("action")).contains("SoftMaxHeapSize " + configured + " -> " + reduced);
    assertThat(p.get("softMaxAfterReclaim")).isEqualTo(Long.toString(reduced));
    assertThat(Integer.parseInt(p.get("restoreSteps"))).isPositive();
    assertThat(p.get("restored")).isEqualTo(Long.toString(configured));
    assertThat(p.get("softMaxAfterRestore")).isEqualTo(Long.toString(configured));
  }

  @Test
  void underZgcASoftMaxHeapSizeTheOwnerSetMeanwhileIsNeitherRestoredOverNorPutBackOnClose() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    assumeTrue(MemoryCgroup.runPlain(List.of(java, "-XX:+UseZGC", "-version"), Duration.ofSeconds(30)).exitCode() == 0,
        () -> "this JVM does not offer ZGC");
    // given SoftMaxHeapSize lowered under pressure, and the owner then sets it to 40 MiB
    String owners = Long.toString(40L << 20);
    MemoryCgroup.Result r = MemoryCgroup.runPlain(
        MemoryCgroup.javaCommand(List.of("-XX:+UseZGC", "-Xmx128m"), OwnerSoftMaxProbe.class, owners),
        Duration.ofSeconds(60));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Map<String, String> p = r.properties();
    assertThat(Long.parseLong(p.get("reduced"))).isLessThan(128L << 20).isNotEqualTo(40L << 20);

    // when calm, and when the governor closes, the owner's value stays
    assertThat(p.get("restore")).contains("set meanwhile");
    assertThat(p.get("softMaxAfterRestore")).isEqualTo(owners);
    assertThat(p.get("pendingAfterRestore")).isEqualTo("false");
    assertThat(p.get("softMaxAfterRelease")).isEqualTo(owners);
  }
}
