package dev.memgov.core.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.testkit.MemoryCgroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JVM governable returns committed heap to the OS once the live set is gone, under each
 * collector a small container gives a JVM by default (Serial) and the one users choose (G1).
 * Each case runs in a child JVM so the heap's history is its own.
 */
class HeapReturnTest {

  static Map<String, String> probe(String gcFlag, String level, String signal, String... moreFlags) throws Exception {
    List<String> flags = new java.util.ArrayList<>(List.of(gcFlag, "-Xmx256m", "-Xms8m"));
    flags.addAll(List.of(moreFlags));
    MemoryCgroup.Result r = MemoryCgroup.runPlain(
        MemoryCgroup.javaCommand(flags, HeapReturnProbe.class, level, signal), Duration.ofSeconds(60));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.properties();
  }

  @ParameterizedTest(name = "{0} at {1} under {2} pressure")
  @CsvSource({
    "-XX:+UseSerialGC, aggressive, HEAP",
    "-XX:+UseSerialGC, standard, CONTAINER",
    "-XX:+UseG1GC, standard, RSS",
  })
  void committedHeapIsReturnedOnceTheLiveSetIsGone(String gcFlag, String level, String signal) throws Exception {
    Map<String, String> p = probe(gcFlag, level, signal);
    long before = Long.parseLong(p.get("committedBefore"));
    long after = Long.parseLong(p.get("committedAfter"));
    assertThat(before).as("the probe grew the heap").isGreaterThan(40L << 20);
    assertThat(after).as(p.get("action")).isLessThan(before * 6 / 10);
    assertThat(p.get("action")).contains("committed " + before + " -> ");
  }

  @ParameterizedTest(name = "{0}: under resident pressure MaxHeapFreeRatio is lowered, then put back by restore")
  @CsvSource({"-XX:+UseSerialGC", "-XX:+UseG1GC"})
  void underResidentPressureTheHeapKeepsLessFreeUntilRestored(String gcFlag) throws Exception {
    Map<String, String> p = probe(gcFlag, "standard", "CONTAINER");
    assertThat(p.get("action")).contains("MaxHeapFreeRatio 70 -> 30 %");
    assertThat(p.get("maxFreeUnderPressure")).isEqualTo("30");
    // a 20 MiB live set: at most 30 % free (plus the young generation), where the default 70 %
    // kept over 100 MiB committed in the same probe (committedHeapIsReturnedOnceTheLiveSetIsGone)
    long after = Long.parseLong(p.get("committedAfter"));
    assertThat(after).as(p.get("action")).isLessThan(60L << 20);
    assertThat(p.get("pendingUnderPressure")).as("the governor will call restore when calm").isEqualTo("true");
    assertThat(p.get("restore")).isEqualTo("MaxHeapFreeRatio back to 70 %, MinHeapFreeRatio back to 40 %");
    assertThat(p.get("pendingAfterRestore")).isEqualTo("false");
    assertThat(p.get("maxFreeAfterRestore")).isEqualTo("70");
    assertThat(p.get("minFreeAfterRestore")).isEqualTo("40");
    assertThat(p.get("maxFreeUnderPressureAgain")).isEqualTo("30");
    assertThat(p.get("maxFreeAfterRelease")).as("close puts the ratios back").isEqualTo("70");
    assertThat(p.get("afterRelease")).contains("heap free ratio left alone: the governor is closed");
    assertThat(p.get("maxFreeAfterReleaseAndReclaim")).isEqualTo("70");
  }

  @ParameterizedTest(name = "{0}: standard under heap pressure leaves the heap alone")
  @CsvSource({"-XX:+UseSerialGC", "-XX:+UseG1GC"})
  void standardUnderHeapPressureRunsNoGc(String gcFlag) throws Exception {
    Map<String, String> p = probe(gcFlag, "standard", "HEAP");
    assertThat(p.get("action")).startsWith("nothing at standard");
    assertThat(Long.parseLong(p.get("committedAfter"))).isEqualTo(Long.parseLong(p.get("committedBefore")));
  }

  @ParameterizedTest(name = "{0}: heap free ratios set on the command line are left alone")
  @CsvSource({"-XX:+UseSerialGC", "-XX:+UseG1GC"})
  void ratiosTheUserSetAreLeftAlone(String gcFlag) throws Exception {
    Map<String, String> p = probe(gcFlag, "standard", "CONTAINER", "-XX:MaxHeapFreeRatio=50");
    assertThat(p.get("action")).contains("heap free ratio left alone: set on the command line");
    assertThat(p.get("maxFreeUnderPressure")).isEqualTo("50");
    assertThat(p.get("pendingUnderPressure")).isEqualTo("false");
  }

  @Test
  void aMaximumTheOwnerLoweredBelowTheOldMinimumDoesNotKeepTheRestorePendingForEver() throws Exception {
    // given ratios lowered under container pressure (30/10), and the owner then sets MaxHeapFreeRatio 20,
    // below the JVM's own MinHeapFreeRatio 40
    MemoryCgroup.Result r = MemoryCgroup.runPlain(
        MemoryCgroup.javaCommand(List.of("-XX:+UseG1GC", "-Xmx64m"), OwnerRatioProbe.class), Duration.ofSeconds(60));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Map<String, String> p = r.properties();
    assertThat(p.get("action")).contains("MaxHeapFreeRatio 70 -> 30 %");

    // when calm: the first restore step is done with the ratios, the owner's maximum is kept and
    // the minimum goes back as far as that maximum allows
    assertThat(p.get("restore")).contains("MinHeapFreeRatio back to 20 %");
    assertThat(p.get("pendingAfterRestore")).isEqualTo("false");
    assertThat(p.get("maxFreeAfterRelease")).isEqualTo("20");
    assertThat(p.get("minFreeAfterRelease")).isEqualTo("20");
  }

  @Test
  void aLaterGovernorInTheSameJvmStillTakesTheRatiosMemgovPutBackForTheJvmsOwn() throws Exception {
    // given a governor whose idle give-back put the ratios back (origin: management) and which closed
    MemoryCgroup.Result r = MemoryCgroup.runPlain(
        MemoryCgroup.javaCommand(List.of("-XX:+UseG1GC", "-Xmx64m"), NextGovernorRatioProbe.class), Duration.ofSeconds(60));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Map<String, String> p = r.properties();
    assertThat(p.get("idle")).contains("ratios back to MaxHeapFreeRatio 70 %, MinHeapFreeRatio 40 %");

    // when the next governor in this JVM meets container pressure, it tightens them as the first would have
    assertThat(p.get("action")).contains("MaxHeapFreeRatio 70 -> 30 %");
    assertThat(p.get("maxFreeUnderPressure")).isEqualTo("30");

    // then it puts them back on close
    assertThat(p.get("maxFreeAfterRelease")).isEqualTo("70");
    assertThat(p.get("minFreeAfterRelease")).isEqualTo("40");
  }
}
