package dev.memgov.core.sensor;

import dev.memgov.core.GovernorClock;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads this JVM, its process and its memory cgroup.
 *
 * <p><b>Every sample</b> (no garbage but the snapshot itself): heap used and committed ({@code
 * Runtime.totalMemory/freeMemory}, which allocate nothing, unlike {@code getHeapMemoryUsage()}),
 * old-generation occupancy after the most recent GC ({@link GcWatcher}), GC count, GC overhead
 * over {@link GovernorPolicy#gcOverheadWindow()} ({@link GcOverhead}), last pause, direct and
 * mapped buffers, thread count, RSS ({@code /proc/self/statm}, resident pages × page size) and the
 * cgroup's usage. The working set is that usage minus the inactive file pages of the last
 * {@code memory.stat} read.
 *
 * <p><b>Every {@value #STAT_REFRESH_MILLIS} ms at most</b>: {@code memory.stat} (~8.5 µs here, the
 * costliest file), PSI (the kernel recomputes avg10 only every 2 s, so reading it more often
 * yields nothing new), metaspace and code cache (each pool read allocates a {@code MemoryUsage}
 * and they move slowly). With the default 1 s tick that is every tick; samples taken in between
 * (GC-triggered ticks) reuse these figures.
 *
 * <p><b>Every {@value #LIMIT_REFRESH_MILLIS} ms at most</b>: the cgroup limit, which changes only
 * when an operator resizes the container; files that could not be opened are retried then too.
 *
 * <p>Heap max is read once: it does not change while the JVM runs.
 *
 * <p>Thread-safety: {@link #sample()} is called from one thread at a time (the governor's);
 * {@link #start(Runnable)} and {@link #close()} are safe from any thread.
 */
final class SystemMemorySensor implements MemorySensor {
  static final long STAT_REFRESH_MILLIS = 1_000;
  static final long LIMIT_REFRESH_MILLIS = 10_000;

  private static final byte[] SOME = ProcFile.ascii("some");
  private static final byte[] FULL = ProcFile.ascii("full");

  private final GovernorPolicy policy;
  private final GovernorClock clock;
  private final Runtime runtime = Runtime.getRuntime();
  private final long heapMax;
  private final long oldGenMax;
  private final MemoryPoolMXBean metaspace;
  private final MemoryPoolMXBean[] codeCache;
  private final BufferPoolMXBean direct;
  private final BufferPoolMXBean[] mapped;
  private final ThreadMXBean threads;
  private final GcWatcher gc;
  private final GcOverhead overhead;
  private final long pageSize;
  private final ProcFile statm;
  private final Path proc;
  private final ProcFile psi;
  private final String psiSource;
  private final ContainerReader container;
  private final String noContainerReason;
  private final Reasons reasons = new Reasons();
  private final String noAfterGcReason;
  private final String badStatmReason;

  private boolean sampled;
  private long lastStatNanos;
  private long lastLimitNanos;
  private long metaspaceUsed = MemorySnapshot.UNKNOWN;
  private long codeCacheUsed = MemorySnapshot.UNKNOWN;
  private double psiSome = Double.NaN;
  private double psiFull = Double.NaN;
  private boolean started;
  private boolean closed;

  SystemMemorySensor(GovernorPolicy policy, GovernorClock clock) {
    this(policy, clock, Path.of("/"));
  }

  /** Reads /proc and the cgroup file system under {@code root} (a fixture directory in tests). */
  SystemMemorySensor(GovernorPolicy policy, GovernorClock clock, Path root) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
    MemoryPoolMXBean meta = null;
    List<MemoryPoolMXBean> code = new ArrayList<>();
    for (MemoryPoolMXBean p : pools) {
      if (p.getType() == MemoryType.NON_HEAP && p.getName().equals("Metaspace")) {
        meta = p;
      } else if (p.getType() == MemoryType.NON_HEAP
          && (p.getName().startsWith("CodeHeap") || p.getName().equals("Code Cache"))) {
        code.add(p);
      }
    }
    this.metaspace = meta;
    this.codeCache = code.toArray(new MemoryPoolMXBean[0]);
    BufferPoolMXBean d = null;
    List<BufferPoolMXBean> m = new ArrayList<>();
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) {
        d = b;
      } else if (b.getName().startsWith("mapped")) {
        m.add(b);
      }
    }
    this.direct = d;
    this.mapped = m.toArray(new BufferPoolMXBean[0]);
    this.threads = ManagementFactory.getThreadMXBean();
    this.gc = new GcWatcher(pools, ManagementFactory.getGarbageCollectorMXBeans());
    this.overhead = new GcOverhead(policy.gcOverheadWindow().toNanos());
    overhead.update(clock.nanoTime(), gc.pauseMillis()); // the window's first point
    this.heapMax = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    this.oldGenMax = gc.oldPoolMax();
    this.pageSize = PageSize.get();
    this.proc = root.resolve("proc");
    this.statm = new ProcFile(root.resolve("proc/self/statm"), 128);
    this.noAfterGcReason = "no after-GC usage of " + gc.oldPoolName() + " yet";
    this.badStatmReason = "unexpected contents in " + statm.path();

    CgroupLocator.Result found = CgroupLocator.locate(root);
    this.container = found.location() == null ? null : new ContainerReader(found.location());
    this.noContainerReason = found.reason();
    ProcFile cgroupPsi = container == null ? null : container.pressure();
    this.psi = cgroupPsi != null ? cgroupPsi : new ProcFile(root.resolve("proc/pressure/memory"), 256);
    this.psiSource = psi.path().toString();

    if (heapMax < 0) {
      reasons.set("heapMax", "the JVM reports no heap maximum");
    }
    if (gc.oldPoolName() == null) {
      reasons.set("oldGenAfterGc", "no old-generation pool recognised among the heap pools");
      reasons.set("oldGenMax", "no old-generation pool recognised among the heap pools");
    } else if (oldGenMax < 0) {
      reasons.set("oldGenMax", gc.oldPoolName() + " reports no maximum");
    }
    if (metaspace == null) {
      reasons.set("metaspaceUsed", "no Metaspace pool in this JVM");
    }
    if (codeCache.length == 0) {
      reasons.set("codeCacheUsed", "no code cache pool in this JVM");
    }
    if (direct == null) {
      reasons.set("directBufferUsed", "no 'direct' buffer pool in this JVM");
    }
    if (mapped.length == 0) {
      reasons.set("mappedBufferUsed", "no 'mapped' buffer pool in this JVM");
    }
  }

  /**
   * Reads the cgroup's {@code cgroup.procs} and each listed process's {@code /proc/<pid>/statm}
   * (resident pages × page size). A process that ended in between, or whose file cannot be read, is
   * left out. Allocates; called at cleanups only.
   */
  @Override
  public long[] containerProcessesRss() {
    if (container == null) {
      return null;
    }
    List<String> pids;
    try {
      pids = Files.readAllLines(container.dir().resolve("cgroup.procs"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    long[] rss = new long[pids.size()];
    int n = 0;
    for (String line : pids) {
      String pid = line.trim();
      if (pid.isEmpty() || !pid.chars().allMatch(Character::isDigit)) {
        continue;
      }
      try {
        String[] fields = Files.readString(proc.resolve(pid).resolve("statm")).trim().split(" ");
        rss[n++] = Long.parseLong(fields[1]) * pageSize;
      } catch (IOException | RuntimeException e) {
        // ended since the list was read, or not ours to read
      }
    }
    return n == 0 ? null : Arrays.copyOf(rss, n);
  }

  /** The cgroup directory in use and its version, for diagnostics and tests; null when none. */
  String containerDescription() {
    return container == null ? null : "v" + container.version() + " " + container.dir();
  }

  String psiSource() {
    return psiSource;
  }

  @Override
  public MemorySnapshot sample() {
    long now = clock.nanoTime();
    long wall = clock.currentTimeMillis();
    if (!sampled || now - lastLimitNanos >= LIMIT_REFRESH_MILLIS * 1_000_000L) {
      lastLimitNanos = now;
      refreshLimit();
    }
    if (!sampled || now - lastStatNanos >= STAT_REFRESH_MILLIS * 1_000_000L) {
      lastStatNanos = now;
      refreshSlow();
    }
    sampled = true;

    long committed = runtime.totalMemory();
    long used = committed - runtime.freeMemory();

    long gcCount = gc.gcCount();
    long afterGc = gc.oldGenAfterGc();
    if (afterGc < 0 && gc.oldPoolName() != null) {
      reasons.set("oldGenAfterGc", gcCount == 0 ? "no GC yet" : noAfterGcReason);
    } else if (gc.oldPoolName() != null) {
      reasons.set("oldGenAfterGc", null);
    }
    long pauses = gc.pauseMillis();
    double gcOverhead = overhead.update(now, pauses);
    reasons.set("gcOverheadPercent", pauses < 0 ? "no collector reports GC time"
        : Double.isNaN(gcOverhead) ? "no time span yet (sampled at the moment the sensor was made)" : null);
    long lastPause = gc.lastPauseMillis();
    reasons.set("lastGcPauseMillis", lastPause >= 0 ? null : gcCount == 0 ? "no GC yet" : "no GC seen since the sensor started");

    long directUsed = direct == null ? MemorySnapshot.UNKNOWN : direct.getMemoryUsed();
    long mappedUsed = mapped.length == 0 ? MemorySnapshot.UNKNOWN : 0;
    for (BufferPoolMXBean b : mapped) {
      mappedUsed += Math.max(0, b.getMemoryUsed());
    }
    int threadCount = threads.getThreadCount();

    long rss = MemorySnapshot.UNKNOWN;
    if (statm.read()) {
      long pages = statm.field(1);
      if (pages >= 0 && pageSize > 0) {
        rss = pages * pageSize;
        reasons.set("rss", null);
      } else {
        reasons.set("rss", badStatmReason);
      }
    } else {
      reasons.set("rss", statm.failure());
    }
    long rssLimit = policy.rssLimitBytes();
    reasons.set("rssLimit", rssLimit < 0 ? "no rssLimit configured" : null);

    long cLimit = MemorySnapshot.UNKNOWN;
    long cUsage = MemorySnapshot.UNKNOWN;
    long cWorking = MemorySnapshot.UNKNOWN;
    if (container != null) {
      cLimit = container.limit();
      reasons.set("containerLimit", container.limitReason());
      cUsage = container.usage();
      reasons.set("containerUsage", container.usageReason());
      long inactive = container.inactiveFile();
      if (cUsage < 0) {
        reasons.set("containerWorkingSet", container.usageReason());
      } else if (inactive < 0) {
        cWorking = cUsage;
        reasons.set("containerWorkingSet", container.workingSetReason());
      } else {
        cWorking = Math.max(0, cUsage - inactive);
        reasons.set("containerWorkingSet", null);
      }
    }

    return new MemorySnapshot(
        wall, now, used, committed, heapMax, afterGc, oldGenMax, gcCount, gcOverhead, lastPause,
        metaspaceUsed, codeCacheUsed, directUsed, mappedUsed, threadCount, rss, rssLimit,
        cLimit, cUsage, cWorking, psiSome, psiFull, reasons.view());
  }

  private void refreshLimit() {
    statm.retry();
    psi.retry();
    if (container == null) {
      reasons.set("containerLimit", noContainerReason);
      reasons.set("containerUsage", noContainerReason);
      reasons.set("containerWorkingSet", noContainerReason);
    } else {
      container.refreshLimit();
    }
  }

  private void refreshSlow() {
    if (metaspace != null) {
      metaspaceUsed = metaspace.getUsage().getUsed();
    }
    if (codeCache.length > 0) {
      long sum = 0;
      for (MemoryPoolMXBean p : codeCache) {
        MemoryUsage u = p.getUsage();
        sum += u == null ? 0 : u.getUsed();
      }
      codeCacheUsed = sum;
    }
    if (container != null) {
      container.refreshStat();
    }
    if (psi.read()) {
      psiSome = psi.psiAvg10(SOME);
      psiFull = psi.psiAvg10(FULL);
      String bad = "no avg10 figure in " + psiSource;
      reasons.set("psiSomeAvg10", Double.isNaN(psiSome) ? bad : null);
      reasons.set("psiFullAvg10", Double.isNaN(psiFull) ? bad : null);
    } else {
      psiSome = Double.NaN;
      psiFull = Double.NaN;
      reasons.set("psiSomeAvg10", psi.failure());
      reasons.set("psiFullAvg10", psi.failure());
    }
  }

  @Override
  public boolean heapFigurePartial() {
    return gc.afterGcPartial();
  }

  @Override
  public MemorySnapshot sampleAfterFullGc() {
    return gc.fullGc() ? sample() : null;
  }

  @Override
  public synchronized void start(Runnable onGcEnd) {
    Objects.requireNonNull(onGcEnd, "onGcEnd");
    if (closed) {
      throw new IllegalStateException("memgov sensor: closed; create a new sensor to start again");
    }
    if (!started) {
      started = true;
      gc.start(onGcEnd);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    gc.stop();
    statm.close();
    psi.close();
    if (container != null) {
      container.close();
    }
  }
}
