package dev.memgov.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The test kit's own rules: which left-over groups it removes, and that an interrupted run kills its child. */
class MemoryCgroupTest {
  /** Above the kernel's largest possible pid_max (2^22): never a live process. */
  static final long DEAD_PID = (1L << 22) + 1;

  @Test
  void theOwnerPidIsReadOnlyFromTheNamesTheProjectsTestsUse() {
    assertThat(MemoryCgroup.ownerPid("memgov-test-123")).isEqualTo(123);
    assertThat(MemoryCgroup.ownerPid("memgov-it-4567-u")).isEqualTo(4567);
    assertThat(MemoryCgroup.ownerPid("memgov-it-4567-g")).isEqualTo(4567);
    assertThat(MemoryCgroup.ownerPid("memgov-scn-89-i0g")).isEqualTo(89);
    assertThat(MemoryCgroup.ownerPid("memgov-scn-89-d4u2")).isEqualTo(89);

    assertThat(MemoryCgroup.ownerPid("memgov-other-123")).isEqualTo(-1);
    assertThat(MemoryCgroup.ownerPid("memgov-bench-123")).isEqualTo(-1);
    assertThat(MemoryCgroup.ownerPid("memgov-test-")).isEqualTo(-1);
    assertThat(MemoryCgroup.ownerPid("memgov-test-abc")).isEqualTo(-1);
    assertThat(MemoryCgroup.ownerPid("memgov-test-12x")).isEqualTo(-1);
    assertThat(MemoryCgroup.ownerPid("memgov-it-u-123")).isEqualTo(-1);
    assertThat(MemoryCgroup.ownerPid("memgov-test-99999999999")).isEqualTo(-1);
    assertThat(MemoryCgroup.ownerPid("app-test-123")).isEqualTo(-1);
    assertThat(MemoryCgroup.ownerPid("xmemgov-test-123")).isEqualTo(-1);
  }

  @Test
  void staleGroupsOfDeadTestJvmsGoAndLiveOrForeignOnesStay() throws Exception {
    String reason = MemoryCgroup.unavailableReason();
    assumeTrue(reason == null, () -> "skipped: cannot create a memory cgroup here: " + reason);
    Path parent = MemoryCgroup.base().parent();
    long me = ProcessHandle.current().pid();
    Path deadIt = parent.resolve("memgov-it-" + DEAD_PID + "-u");
    Path deadTest = parent.resolve("memgov-test-" + DEAD_PID);
    Path deadScn = parent.resolve("memgov-scn-" + DEAD_PID + "-i0g");
    Path live = parent.resolve("memgov-it-" + me + "-live");
    Path foreign = parent.resolve("memgov-keep-" + DEAD_PID);
    List<Path> all = List.of(deadIt, deadTest, deadScn, live, foreign);
    try {
      for (Path d : all) {
        Files.createDirectory(d);
      }

      MemoryCgroup.removeStale(parent);

      assertThat(deadIt).doesNotExist();
      assertThat(deadTest).doesNotExist();
      assertThat(deadScn).doesNotExist();
      assertThat(live).as("the group of a live JVM").isDirectory();
      assertThat(foreign).as("a memgov-* name without an owner pid").isDirectory();
    } finally {
      for (Path d : all) {
        Files.deleteIfExists(d);
      }
    }
  }

  @Test
  void anInterruptedRunKillsItsChild() throws Exception {
    String marker = "297.5";
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread runner = new Thread(() -> {
      try {
        MemoryCgroup.runPlain(List.of("sleep", marker), Duration.ofMinutes(5));
      } catch (Throwable t) {
        thrown.set(t);
      }
    }, "memgov-cgroup-test-runner");
    runner.setDaemon(true);
    runner.start();
    AtomicReference<ProcessHandle> child = new AtomicReference<>();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        Optional<ProcessHandle> c = ProcessHandle.current().children()
            .filter(h -> h.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false)).findFirst();
        c.ifPresent(child::set);
        return c.isPresent();
      });

      runner.interrupt();
      runner.join(10_000);

      assertThat(runner.isAlive()).as("the runner ended").isFalse();
      assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
      await().atMost(Duration.ofSeconds(10)).until(() -> !child.get().isAlive());
    } finally {
      runner.interrupt();
      if (child.get() != null) {
        child.get().destroyForcibly();
      }
    }
  }
}
