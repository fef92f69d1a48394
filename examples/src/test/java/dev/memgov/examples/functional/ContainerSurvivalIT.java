package dev.memgov.examples.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memgov.core.testkit.MemoryCgroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo tenant in a real memory cgroup whose limit, not the heap, is the wall: a 384 MiB
 * container with {@code -Xmx512m} (as users often set), and a workload whose cache would grow past
 * the limit. Without the governor the kernel's OOM killer ends the JVM; with it the JVM lives and
 * keeps serving to the end of its run. Needs root and a writable memory cgroup; skipped with the
 * reason elsewhere. A failsafe test: it runs the shaded jar.
 */
class ContainerSurvivalIT {

  static final long LIMIT = 384L << 20;
  static final List<String> WORKLOAD = List.of("--rate", "0", "--keys", "200000", "--value-size", "4k-16k",
      "--spike", "15%", "--spike-period", "10s", "--spike-hold", "2s", "--status-interval", "5s");
  static Path jar;

  @BeforeAll
  static void needsACgroupAndTheJar() {
    String reason = MemoryCgroup.unavailableReason();
    assumeTrue(reason == null, () -> "skipped: cannot create a memory cgroup here: " + reason);
    jar = Path.of(System.getProperty("memgov.demo.jar", "target/memgov-demo.jar"));
    assertThat(jar).as("the shaded jar built by package").exists();
  }

  static List<String> demo(boolean governed, String duration) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", jar.toString(), "--port", "0", "--duration", duration));
    cmd.addAll(WORKLOAD);
    if (!governed) {
      cmd.add("--no-governor");
    }
    return cmd;
  }

  @Test
  void givenTheLimitBelowTheHeapWhenUngovernedThenTheKernelKillsIt() throws Exception {
    try (MemoryCgroup cg = MemoryCgroup.create("memgov-it-" + ProcessHandle.current().pid() + "-u", LIMIT)) {
      MemoryCgroup.Result r = cg.run(demo(false, "90s"), Duration.ofSeconds(150));
      System.out.println("ungoverned: exit " + r.exitCode() + ", oom_kills " + cg.oomKills() + ", peak "
          + (cg.peakBytes() >> 20) + " MiB\n" + tail(r.stdout()));
      assertThat(cg.oomKills()).as("the OOM killer ended the ungoverned tenant").isPositive();
      assertThat(r.exitCode()).isEqualTo(137);
    }
  }

  @Test
  void givenTheLimitBelowTheHeapWhenGovernedThenItSurvivesAndKeepsServing() throws Exception {
    try (MemoryCgroup cg = MemoryCgroup.create("memgov-it-" + ProcessHandle.current().pid() + "-g", LIMIT)) {
      MemoryCgroup.Result r = cg.run(demo(true, "90s"), Duration.ofSeconds(150));
      System.out.println("governed: exit " + r.exitCode() + ", oom_kills " + cg.oomKills() + ", peak "
          + (cg.peakBytes() >> 20) + " MiB\n" + tail(r.stdout()));
      assertThat(cg.oomKills()).as("no OOM kill").isZero();
      assertThat(r.exitCode()).as(tail(r.stdout())).isZero();
      assertThat(r.stdout()).contains("stopped cleanly").containsPattern("cleanup (standard|aggressive|emergency)");
      String last = lastStatus(r.stdout());
      assertThat(last).as("still serving at the end").containsPattern("\\| [1-9]\\d* req/s");
    }
  }

  static String lastStatus(String out) {
    String last = "";
    for (String line : out.split("\n")) {
      if (line.contains(" req/s")) {
        last = line;
      }
    }
    return last;
  }

  static String tail(String out) {
    String[] lines = out.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 12), lines.length));
  }
}
