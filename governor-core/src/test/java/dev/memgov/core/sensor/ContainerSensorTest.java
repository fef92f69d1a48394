package dev.memgov.core.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.testkit.MemoryCgroup;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A child JVM in its own 256 MiB memory cgroup reports that limit and a working set below it.
 * Skipped, with the reason printed, where the machine does not let the test create a cgroup.
 */
class ContainerSensorTest {
  private static final long LIMIT = 256L << 20;

  @Test
  void aChildJvmInA256MibCgroupSeesThatLimit() throws Exception {
    String reason = MemoryCgroup.unavailableReason();
    if (reason != null) {
      System.out.println("ContainerSensorTest skipped: " + reason);
    }
    assumeTrue(reason == null, () -> "cannot create a memory cgroup here: " + reason);

    String name = "memgov-test-" + ProcessHandle.current().pid();
    MemoryCgroup cgroup = MemoryCgroup.create(name, LIMIT);
    try (cgroup) {
      // a second process in the container, so the child sees both in its cgroup's process list
      Process sibling = cgroup.start(List.of("sleep", "60"));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!cgroup.pids().contains(sibling.pid()) && System.nanoTime() < deadline) {
        Thread.sleep(5); // the wrapper writes its pid into cgroup.procs before it execs sleep
      }
      assertThat(cgroup.pids()).contains(sibling.pid());
      MemoryCgroup.Result r = cgroup.run(
          MemoryCgroup.javaCommand(List.of("-XX:+UseSerialGC"), SnapshotPrinter.class, "32"), Duration.ofSeconds(60));
      assertThat(r.exitCode()).as("child stderr: %s", r.stderr()).isZero();
      Map<String, String> child = r.properties();

      assertThat(child.get("cgroup")).startsWith("v" + cgroup.version() + " ").endsWith(name);
      assertThat(Long.parseLong(child.get("containerLimit"))).isEqualTo(LIMIT);
      long usage = Long.parseLong(child.get("containerUsage"));
      long workingSet = Long.parseLong(child.get("containerWorkingSet"));
      assertThat(workingSet).isPositive().isLessThan(LIMIT).isLessThanOrEqualTo(usage);
      // the JVM itself sized its heap from the same limit
      assertThat(Long.parseLong(child.get("heapMax"))).isLessThan(LIMIT);
      assertThat(Long.parseLong(child.get("oldGenAfterGc"))).isGreaterThanOrEqualTo(16L << 20); // the child holds 32 MiB; part may still be young at the last GC
      assertThat(cgroup.peakBytes()).isGreaterThanOrEqualTo(workingSet).isLessThanOrEqualTo(LIMIT);
      assertThat(cgroup.oomKills()).isZero();
      assertThat(Double.parseDouble(child.get("psiSomeAvg10"))).isNotNegative();
      // every process in the cgroup with its RSS: the child JVM (tens of MiB, about its own RSS
      // figure) and the sleeping sibling (a few hundred KiB)
      assertThat(sibling.isAlive()).isTrue();
      String listed = child.get("processesRss");
      assertThat(listed).startsWith("[").endsWith("]");
      List<Long> rss = java.util.Arrays.stream(listed.substring(1, listed.length() - 1).split(", "))
          .map(Long::parseLong).sorted().toList();
      assertThat(rss).hasSize(2);
      assertThat(rss.get(0)).isPositive().isLessThan(16L << 20);
      long ownRss = Long.parseLong(child.get("rss"));
      assertThat(rss.get(1)).isGreaterThan(32L << 20).isBetween(ownRss / 2, ownRss * 2);
      assertThat(MemorySnapshot.class.getRecordComponents().length).isLessThanOrEqualTo(child.size());
    } finally {
      assertThat(Files.exists(cgroup.dir())).as("removed " + cgroup.dir()).isFalse();
    }
  }
}
