package dev.memgov.benchmarks.sense;

import dev.memgov.core.GovernorClock;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.sensor.MemorySensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of one snapshot, next to the naive ways of reading the same figures.
 *
 * <ul>
 *   <li>{@code steadySnapshot}: the real sensor on the system clock — heap, GC, buffers, threads,
 *       RSS and cgroup usage every call; memory.stat, PSI and the non-heap pools once a second,
 *       the limit every 10 s (amortised to nothing at benchmark rates).
 *   <li>{@code fullSnapshot}: the same sensor on a clock that jumps 11 s per reading, so every
 *       call also reads the limit, memory.stat, PSI, metaspace and code cache.
 *   <li>{@code naive*}: container-aware {@code OperatingSystemMXBean} methods, {@code
 *       Files.readAllBytes} of /proc and cgroup files, and {@code ManagementFactory} lookups per
 *       sample, alone and together ({@code naiveSnapshot}).
 *   <li>{@code floor*}: a bare reused-channel read of statm and memory.stat, to show what the
 *       kernel itself costs.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SnapshotBenchmark -f 2 -wi 3 -i 5 -w 1s -r 1s -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class SnapshotBenchmark {

  private MemorySensor steady;
  private MemorySensor full;
  private Path statm;
  private Path cgroupUsage;
  private Path cgroupStat;
  private com.sun.management.OperatingSystemMXBean os;

  /** A clock that moves 11 s at every nanoTime() reading: every sample is a "slow" one. */
  static final class JumpingClock implements GovernorClock {
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public long nanoTime() {
      return nanos.addAndGet(11_000_000_000L);
    }

    @Override
    public long currentTimeMillis() {
      return nanos.get() / 1_000_000L;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    steady = MemorySensor.system(GovernorPolicy.defaults(), GovernorClock.system());
    full = MemorySensor.system(GovernorPolicy.defaults(), new JumpingClock());
    statm = Path.of("/proc/self/statm");
    os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Path dir = cgroupDir();
    boolean v1 = Files.exists(dir.resolve("memory.usage_in_bytes"));
    cgroupUsage = dir.resolve(v1 ? "memory.usage_in_bytes" : "memory.current");
    cgroupStat = dir.resolve("memory.stat");
    MemorySnapshot s = steady.sample();
    System.out.println("\nsnapshot: rss=" + s.rss() + " containerUsage=" + s.containerUsage()
        + " containerLimit=" + s.containerLimit() + " psiSome=" + s.psiSomeAvg10() + " unknown=" + s.unknownReasons()
        + " naive files: " + cgroupUsage + ", " + cgroupStat);
  }

  /** The v1 memory or v2 unified cgroup directory of this process (for the naive reads). */
  private static Path cgroupDir() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      String[] f = line.split(":", 3);
      if (f[1].contains("memory")) {
        return Path.of("/sys/fs/cgroup/memory" + f[2]);
      }
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      String[] f = line.split(":", 3);
      if (f[0].equals("0")) {
        return Path.of("/sys/fs/cgroup" + f[2]);
      }
    }
    return Path.of("/sys/fs/cgroup");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    steady.close();
    full.close();
    statmChannel.close();
    statChannel.close();
  }

  private FileChannel statmChannel;
  private FileChannel statChannel;
  private final ByteBuffer small = ByteBuffer.allocateDirect(128);
  private final ByteBuffer large = ByteBuffer.allocateDirect(16 * 1024);

  @Setup(Level.Trial)
  public void openChannels() throws IOException {
    statmChannel = FileChannel.open(Path.of("/proc/self/statm"), StandardOpenOption.READ);
    statChannel = FileChannel.open(cgroupDir().resolve("memory.stat"), StandardOpenOption.READ);
  }

  /** The floor: one reused-channel read of /proc/self/statm, no parsing. */
  @Benchmark
  public int floorReusedChannelStatm() throws IOException {
    small.clear();
    return statmChannel.read(small, 0);
  }

  /** The floor: one reused-channel read of the cgroup's memory.stat, no parsing (the kernel's cost). */
  @Benchmark
  public int floorReusedChannelMemoryStat() throws IOException {
    large.clear();
    return statChannel.read(large, 0);
  }

  @Benchmark
  public MemorySnapshot steadySnapshot() {
    return steady.sample();
  }

  @Benchmark
  public MemorySnapshot fullSnapshot() {
    return full.sample();
  }

  @Benchmark
  public long naiveOsTotalMemorySize() {
    return os.getTotalMemorySize();
  }

  @Benchmark
  public long naiveOsFreeMemorySize() {
    return os.getFreeMemorySize();
  }

  @Benchmark
  public byte[] naiveReadAllBytesStatm() throws IOException {
    return Files.readAllBytes(statm);
  }

  @Benchmark
  public byte[] naiveReadAllBytesMemoryStat() throws IOException {
    return Files.readAllBytes(cgroupStat);
  }

  @Benchmark
  public long naiveManagementFactoryPools() {
    long sum = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      sum += p.getUsage().getUsed();
    }
    return sum;
  }

  /** The same figures the naive way: bean lookups, whole-file reads, OS bean container figures. */
  @Benchmark
  public void naiveSnapshot(Blackhole bh) throws IOException {
    bh.consume(naiveManagementFactoryPools());
    bh.consume(ManagementFactory.getGarbageCollectorMXBeans().size());
    bh.consume(Files.readAllBytes(statm));
    bh.consume(Files.readAllBytes(cgroupUsage));
    bh.consume(Files.readAllBytes(cgroupStat));
    bh.consume(os.getTotalMemorySize());
    bh.consume(os.getFreeMemorySize());
  }
}
