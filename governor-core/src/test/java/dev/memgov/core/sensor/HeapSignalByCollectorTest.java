package dev.memgov.core.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.testkit.MemoryCgroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heap signal under each collector, in a child JVM with a 128 MiB heap whose old generation
 * holds 88 % of its maximum after a full GC: the level must be CRITICAL (85 %) under the default
 * policy. Under Serial and Parallel the old generation's maximum is about two thirds of the heap's
 * (85 of 123 MiB here), so the same figure over the heap's maximum reads ~61 %: NORMAL, with the
 * heap a few MiB from an {@code OutOfMemoryError}. That was the heap signal before it was taken over
 * the old generation's maximum, and Serial is what the JVM picks in a container with less than 2
 * CPUs or 1792 MiB.
 */
class HeapSignalByCollectorTest {

  @ParameterizedTest
  @ValueSource(strings = {"-XX:+UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseG1GC"})
  void anOldGenerationAt88PercentOfWhatItCanHoldIsCritical(String collector) throws Exception {
    MemoryCgroup.Result r = MemoryCgroup.runPlain(MemoryCgroup.javaCommand(
        List.of(collector, "-Xmx128m", "-Xms128m"), OldGenFillProbe.class, "0.88"), Duration.ofSeconds(60));
    assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();
    Map<String, String> p = r.properties();
    long old = Long.parseLong(p.get("oldGenAfterGc"));
    long oldMax = Long.parseLong(p.get("oldGenMax"));
    long heapMax = Long.parseLong(p.get("heapMax"));
    assertThat(oldMax).as("%s", p).isPositive().isLessThanOrEqualTo(heapMax);
    assertThat(Double.parseDouble(p.get("heapRatio"))).as("%s", p).isBetween(0.85, 0.92);
    assertThat(p.get("level")).as("%s", p).isEqualTo("CRITICAL");
    if (!collector.contains("G1")) {
      assertThat((double) old / heapMax).as("over the heap's max it would read NORMAL: %s", p).isLessThan(0.70);
    }
  }
}
