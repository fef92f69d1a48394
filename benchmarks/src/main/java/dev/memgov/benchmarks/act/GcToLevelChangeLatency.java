package dev.memgov.benchmarks.act;

import dev.memgov.core.GovernorClock;
import dev.memgov.core.GovernorEvent;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.sensor.MemorySensor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
  * GC end → level change latency through the notification path: JVM GC notification → the system
 * sensor's listener → governor thread tick → {@code LevelChanged} listener. The GC's end is taken from the
 * unified GC log's {@code timenanos} decorator (same clock as {@link System#nanoTime()}), not from
 * {@code GcInfo} (biased by ~20 ms on JDK 17). Each trial runs {@code System.gc()}; the sensor flips
 * the heap figure between 50 % and 95 % on every GC, so every GC changes the level.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.memgov.benchmarks.act.GcToLevelChangeLatency [trials]};
 * it starts a child JVM with the GC log and prints median, p90, p99 and max.
 */
public final class GcToLevelChangeLatency {
  private static final Pattern PAUSE = Pattern.compile("^\\[(\\d+)ns\\].*GC\\(\\d+\\) Pause .*ms$");

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(Integer.parseInt(args[1]), Path.of(args[2]));
      return;
    }
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    File log = File.createTempFile("memgov-gc", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "-Xmx256m", "-Xms256m", "-XX:+UseG1GC",
        "-Xlog:gc:file=" + log.getAbsolutePath() + ":timenanos", "-cp", System.getProperty("java.class.path"),
        GcToLevelChangeLatency.class.getName(), "--child", Integer.toString(trials), log.getAbsolutePath());
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    int rc = p.waitFor();
    Files.deleteIfExists(log.toPath());
    System.exit(rc);
  }

  /**
   * The real system sensor (its GC notification listener, its sampling), with the after-GC figure
   * replaced by 95 % of the heap after odd GCs and 50 % after even ones, so every GC changes the
   * level. Records when each GC notification reached the sensor's callback.
   */
  static final class FlippingSensor implements MemorySensor {
    final MemorySensor real;
    final AtomicLong gcs = new AtomicLong();
    final long[] notifiedAt;

    FlippingSensor(MemorySensor real, int trials) {
      this.real = real;
      this.notifiedAt = new long[trials + 16];
    }

    @Override
    public MemorySnapshot sample() {
      MemorySnapshot s = real.sample();
      long max = s.heapMax();
      long old = (gcs.get() % 2 == 1) ? max * 95 / 100 : max / 2;
      return new MemorySnapshot(s.timestampMillis(), s.nanoTime(), s.heapUsed(), s.heapCommitted(), max, old,
          MemorySnapshot.UNKNOWN, s.gcCount(), s.gcOverheadPercent(), s.lastGcPauseMillis(), s.metaspaceUsed(), s.codeCacheUsed(),
          s.directBufferUsed(), s.mappedBufferUsed(), s.threadCount(), s.rss(), s.rssLimit(), s.containerLimit(),
          s.containerUsage(), s.containerWorkingSet(), s.psiSomeAvg10(), s.psiFullAvg10(), s.unknownReasons());
    }

    @Override
    public void start(Runnable onGcEnd) {
      real.start(() -> {
        long now = System.nanoTime();
        long i = gcs.incrementAndGet();
        if (i < notifiedAt.length) {
          notifiedAt[(int) i] = now;
        }
        onGcEnd.run();
      });
    }

    @Override
    public void close() {
      real.close();
    }
  }

  static void child(int trials, Path log) throws Exception {
    GovernorPolicy policy = GovernorPolicy.builder().timerTriggerEnabled(false).build();
    FlippingSensor sensor = new FlippingSensor(MemorySensor.system(policy, GovernorClock.system()), trials);
    long[] changedAt = new long[trials + 16];
    AtomicInteger changes = new AtomicInteger();
    try (MemoryGovernor g = MemoryGovernor.builder().name("latency").policy(policy).sensor(sensor)
        .jmxEnabled(false).jvmGovernable(false).build()) {
      g.subscribe(GovernorEvent.LevelChanged.class, e -> {
        int i = changes.incrementAndGet();
        if (i < changedAt.length) {
          changedAt[i] = System.nanoTime();
        }
      });
      g.start();
      Thread.sleep(200);
      long[] started = new long[trials + 1];
      for (int t = 1; t <= trials; t++) {
        started[t] = System.nanoTime();
        System.gc();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (changes.get() < t && System.nanoTime() < deadline) {
          LockSupport.parkNanos(20_000);
        }
        if (changes.get() < t) {
          throw new IllegalStateException("no level change after GC " + t);
        }
        Thread.sleep(5);
      }
      List<Long> pauses = new ArrayList<>();
      for (String line : Files.readAllLines(log)) {
        Matcher m = PAUSE.matcher(line.trim());
        if (m.matches()) {
          pauses.add(Long.parseLong(m.group(1)));
        }
      }
      List<Long> total = new ArrayList<>();
      List<Long> delivery = new ArrayList<>();
      int skipped = 0;
      for (int t = 1; t <= trials; t++) {
        long end = -1;
        int inWindow = 0;
        for (long p : pauses) {
          if (p >= started[t] && p <= changedAt[t]) {
            end = p;
            inWindow++;
          }
        }
        if (inWindow != 1) {
          skipped++;
          continue;
        }
        total.add(changedAt[t] - end);
        delivery.add(sensor.notifiedAt[t] - end);
      }
      System.out.printf(Locale.ROOT, "JDK %s, %d trials (%d skipped: not exactly one GC in the window)%n",
          Runtime.version(), total.size(), skipped);
      print("GC end -> notification delivered", delivery);
      print("GC end -> LevelChanged listener ", total);
    }
  }

  static void print(String what, List<Long> nanos) {
    long[] a = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    if (a.length == 0) {
      System.out.println(what + ": no data");
      return;
    }
    System.out.printf(Locale.ROOT, "%s: median %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms%n", what,
        a[a.length / 2] / 1e6, a[(int) Math.min(a.length - 1, Math.ceil(a.length * 0.90) - 1)] / 1e6,
        a[(int) Math.min(a.length - 1, Math.ceil(a.length * 0.99) - 1)] / 1e6, a[a.length - 1] / 1e6);
  }
}
