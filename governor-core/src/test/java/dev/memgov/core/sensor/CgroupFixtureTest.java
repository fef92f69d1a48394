package dev.memgov.core.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.GovernorClock;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sensor's file readers pointed at fixture roots. The v1 fixtures are copies of real files of
 * this machine's cgroup v1 memory controller (kernel 6.18): its own unlimited cgroup and
 * {@code memgov-fixture-*} cgroups made for the purpose with 256 MiB and 512 MiB limits. The v2
 * fixtures follow the kernel's cgroup v2 file formats (this machine has no v2 memory controller).
 */
class CgroupFixtureTest {
  private static final long MIB = 1L << 20;
  private final FakeClock clock = new FakeClock();

  @Test
  void v1WithALimitReportsLimitUsageAndWorkingSet() {
    MemorySnapshot s = sample("v1-limited");
    assertThat(s.containerLimit()).isEqualTo(256 * MIB);
    assertThat(s.containerUsage()).isEqualTo(225406976L);
    assertThat(s.containerWorkingSet()).isEqualTo(225406976L - 145997824L);
    assertThat(s.containerRatio()).isEqualTo((225406976.0 - 145997824.0) / (256 * MIB));
    assertThat(s.unknownReasons()).doesNotContainKeys("containerLimit", "containerUsage", "containerWorkingSet");
  }

  @Test
  void v1HugeLimitMeansNoLimit() {
    MemorySnapshot s = sample("v1-unlimited");
    assertThat(s.containerLimit()).isEqualTo(MemorySnapshot.NO_LIMIT);
    assertThat(s.hasContainerLimit()).isFalse();
    assertThat(s.containerUsage()).isEqualTo(48340992L);
    assertThat(s.containerWorkingSet()).isEqualTo(48340992L - 19603456L);
    assertThat(s.containerRatio()).isNaN();
    assertThat(s.unknownReasons()).doesNotContainKey("containerLimit");
  }

  @Test
  void v1UsesTheParentsLimitFromHierarchicalMemoryLimit() {
    MemorySnapshot s = sample("v1-hierarchical");
    assertThat(s.containerLimit()).isEqualTo(512 * MIB);
  }

  @Test
  void v1InsideADockerContainerUsesTheMountPoint() {
    SystemMemorySensor sensor = sensor("v1-docker");
    assertThat(sensor.containerDescription()).endsWith("v1-docker/sys/fs/cgroup/memory").startsWith("v1 ");
    assertThat(sensor.sample().containerLimit()).isEqualTo(256 * MIB);
  }

  @Test
  void v2WithALimitReadsMemoryMaxCurrentStatAndTheCgroupsPressure() {
    MemorySnapshot s = sample("v2-limited");
    assertThat(s.containerLimit()).isEqualTo(512 * MIB);
    assertThat(s.containerUsage()).isEqualTo(256 * MIB);
    assertThat(s.containerWorkingSet()).isEqualTo(256 * MIB - 61440000L);
    assertThat(s.psiSomeAvg10()).isEqualTo(1.50);
    assertThat(s.psiFullAvg10()).isEqualTo(0.75);
  }

  @Test
  void v2TakesTheLowestLimitOfTheAncestors() {
    assertThat(sample("v2-nested").containerLimit()).isEqualTo(1024 * MIB);
  }

  @Test
  void v2MaxMeansNoLimit() {
    MemorySnapshot s = sample("v2-unlimited");
    assertThat(s.containerLimit()).isEqualTo(MemorySnapshot.NO_LIMIT);
    assertThat(s.containerWorkingSet()).isEqualTo(73400320L - 10485760L);
  }

  @Test
  void missingFilesAreUnknownWithAReason() {
    MemorySnapshot s = sample("v2-missing");
    assertThat(s.containerLimit()).isEqualTo(256 * MIB);
    assertThat(s.containerUsage()).isEqualTo(128 * MIB);
    assertThat(s.containerWorkingSet()).isEqualTo(128 * MIB);
    assertThat(s.unknownReasons().get("containerWorkingSet")).startsWith("approximated by usage: no ").endsWith("memory.stat");
    assertThat(s.rss()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.unknownReasons().get("rss")).startsWith("no ").endsWith("proc/self/statm");
    assertThat(s.psiSomeAvg10()).isNaN();
    assertThat(s.psiFullAvg10()).isNaN();
    assertThat(s.unknownReasons().get("psiSomeAvg10")).startsWith("no ").endsWith("proc/pressure/memory");
  }

  @Test
  void aUsageFileWithUnexpectedContentsIsUnknownWithAReason(@TempDir Path tmp) throws IOException {
    // given a memory.current that holds no number
    Path root = copy("v2-limited", tmp);
    Path dir = root.resolve("sys/fs/cgroup/system.slice/docker-0123456789ab.scope");
    Files.writeString(dir.resolve("memory.current"), "\n");

    // when sampled
    MemorySnapshot s;
    try (SystemMemorySensor sensor = new SystemMemorySensor(GovernorPolicy.defaults(), clock, root)) {
      s = sensor.sample();
    }

    // then usage and working set are unknown, and the reasons say why
    assertThat(s.containerUsage()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.containerWorkingSet()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.unknownReasons().get("containerUsage")).startsWith("unexpected contents in ").endsWith("memory.current");
    assertThat(s.unknownReasons().get("containerWorkingSet")).isEqualTo(s.unknownReasons().get("containerUsage"));
  }

  @Test
  void v2WithoutTheMemoryControllerIsNoContainer() {
    MemorySnapshot s = sample("v2-no-memory");
    assertThat(s.containerLimit()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.containerUsage()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.unknownReasons().get("containerLimit")).startsWith("cgroup v2 without the memory controller");
  }

  @Test
  void withoutProcSelfCgroupTheContainerIsUnknown() {
    MemorySnapshot s = sample("none");
    assertThat(s.containerLimit()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.containerWorkingSet()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.unknownReasons()).containsEntry("containerUsage", "no /proc/self/cgroup (not Linux, or /proc not mounted)");
    assertThat(s.containerRatio()).isNaN();
  }

  @Test
  void rssIsResidentPagesTimesThePageSize() {
    assertThat(sample("v1-limited").rss()).isEqualTo(425 * PageSize.get());
  }

  @Test
  void usageIsReadEverySampleStatEverySecondAndTheLimitEveryTenSeconds(@TempDir Path tmp) throws IOException {
    Path root = copy("v2-limited", tmp);
    Path dir = root.resolve("sys/fs/cgroup/system.slice/docker-0123456789ab.scope");
    SystemMemorySensor sensor = new SystemMemorySensor(GovernorPolicy.defaults(), clock, root);
    sensor.sample();

    Files.writeString(dir.resolve("memory.current"), "300000000\n");
    Files.writeString(dir.resolve("memory.max"), "402653184\n");
    Files.writeString(dir.resolve("memory.stat"), "inactive_anon 1\ninactive_file 100000000\n");
    clock.advanceMillis(10);
    MemorySnapshot next = sensor.sample();
    assertThat(next.containerUsage()).isEqualTo(300000000L);
    assertThat(next.containerWorkingSet()).isEqualTo(300000000L - 61440000L);
    assertThat(next.containerLimit()).isEqualTo(512 * MIB);

    clock.advanceMillis(SystemMemorySensor.STAT_REFRESH_MILLIS);
    MemorySnapshot afterStat = sensor.sample();
    assertThat(afterStat.containerWorkingSet()).isEqualTo(300000000L - 100000000L);
    assertThat(afterStat.containerLimit()).isEqualTo(512 * MIB);

    clock.advanceMillis(SystemMemorySensor.LIMIT_REFRESH_MILLIS);
    assertThat(sensor.sample().containerLimit()).isEqualTo(384 * MIB);
    sensor.close();
  }

  @Test
  void aFileThatAppearsLaterIsPickedUpAtTheNextLimitRefresh(@TempDir Path tmp) throws IOException {
    Path root = copy("v2-missing", tmp);
    SystemMemorySensor sensor = new SystemMemorySensor(GovernorPolicy.defaults(), clock, root);
    assertThat(sensor.sample().rss()).isEqualTo(MemorySnapshot.UNKNOWN);
    Files.writeString(root.resolve("proc/self/statm"), "1000 200 100 5 0 50 0\n");
    clock.advanceMillis(SystemMemorySensor.LIMIT_REFRESH_MILLIS);
    MemorySnapshot s = sensor.sample();
    assertThat(s.rss()).isEqualTo(200 * PageSize.get());
    assertThat(s.unknownReasons()).doesNotContainKey("rss");
    sensor.close();
  }

  @Test
  void afterCloseFilesReadAsUnknown() {
    SystemMemorySensor sensor = sensor("v1-limited");
    sensor.sample();
    sensor.close();
    MemorySnapshot s = sensor.sample();
    assertThat(s.rss()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.unknownReasons()).containsEntry("rss", "sensor closed");
    // the limit refresh, which retries files that failed, does not reopen a closed sensor's files
    clock.advanceMillis(SystemMemorySensor.LIMIT_REFRESH_MILLIS);
    MemorySnapshot later = sensor.sample();
    assertThat(later.rss()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(later.containerUsage()).isEqualTo(MemorySnapshot.UNKNOWN);
  }

  private MemorySnapshot sample(String fixture) {
    try (SystemMemorySensor sensor = sensor(fixture)) {
      return sensor.sample();
    }
  }

  private SystemMemorySensor sensor(String fixture) {
    return new SystemMemorySensor(GovernorPolicy.defaults(), clock, fixture(fixture));
  }

  static Path fixture(String name) {
    try {
      return Path.of(CgroupFixtureTest.class.getResource("/cgroup/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path copy(String fixture, Path to) throws IOException {
    Path from = fixture(fixture);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  /** A clock the test moves by hand. */
  static final class FakeClock implements GovernorClock {
    private long nanos = 1_000_000_000L;

    void advanceMillis(long millis) {
      nanos += millis * 1_000_000L;
    }

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public long currentTimeMillis() {
      return 1_700_000_000_000L + nanos / 1_000_000L;
    }
  }
}
