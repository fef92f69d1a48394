package dev.memgov.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.testkit.MemoryCgroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The leak flag under real G1, each case in a child JVM with a 128 MiB heap running {@link
 * LeakProbe} under a governor with the default policy. The probe churns 100 MiB/s, 16 MiB of it
 * medium-lived: it is promoted and dies in the old generation, whose after-GC figure climbs to ~80 %
 * of the heap between mixed collections (G1's adaptive IHOP) — the sawtooth that the rule of 8
 * consecutive rising GCs took for a leak within seconds. Measured on a 2-core machine: the leak of
 * 4 MiB/s was flagged after 7.5 to 7.9 s (3 runs); the churn alone ran 20 s without a flag (3
 * runs). The bounds leave room for a loaded machine; both cases take about 14 s together.
 */
class LeakFlagRealGcTest {
  private static final List<String> JVM = List.of("-XX:+UseG1GC", "-Xmx128m", "-Xms128m", "-DleakProbe.ringMiB=16");

  private static Map<String, String> probe(String leakKibPerSecond, String seconds) throws Exception {
    MemoryCgroup.Result r = MemoryCgroup.runPlain(
        MemoryCgroup.javaCommand(JVM, LeakProbe.class, leakKibPerSecond, "100", seconds), Duration.ofSeconds(60));
    assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();
    return r.properties();
  }

  @Test
  void aLeakBesideChurnIsFlagged() throws Exception {
    Map<String, String> p = probe("4096", "20"); // flagged in 6.8-7.9 s here; stops at the flag
    assertThat(Long.parseLong(p.get("flaggedAfterMillis"))).as("%s", p).isPositive();
  }

  @Test
  void churnThatG1ReclaimsIsNoLeak() throws Exception {
    Map<String, String> p = probe("0", "6");
    assertThat(Long.parseLong(p.get("flaggedAfterMillis"))).as("%s", p).isEqualTo(-1);
    assertThat(Long.parseLong(p.get("gcCount"))).as("the churn ran through GCs").isGreaterThan(20);
  }
}
