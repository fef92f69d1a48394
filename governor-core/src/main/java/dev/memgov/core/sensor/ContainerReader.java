package dev.memgov.core.sensor;

import dev.memgov.core.MemorySnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one memory cgroup (v1 or v2) through reused {@link ProcFile}s.
 *
 * <ul>
 *   <li>usage: v1 {@code memory.usage_in_bytes}, v2 {@code memory.current} — every sample;
 *   <li>limit: v1 the lower of {@code memory.limit_in_bytes} and {@code memory.stat}'s {@code
 *       hierarchical_memory_limit}; v2 the lowest {@code memory.max} of the cgroup and its
 *       ancestors up to the mount point — on the slow limit cadence. A v1 value of 2^60 or more
 *       (the kernel's "unlimited" is {@code Long.MAX_VALUE} rounded down to a page) and v2's
 *       {@code max} are {@link MemorySnapshot#NO_LIMIT};
 *   <li>inactive file pages: v1 {@code total_inactive_file}, v2 {@code inactive_file} from {@code
 *       memory.stat} — on the stat cadence; working set = usage − inactive file, at least 0.
 * </ul>
 *
 * <p>Not thread-safe: used by the sensor's sampling thread only.
 */
final class ContainerReader implements AutoCloseable {
  /** At or above this a limit means "none" (v1 reports Long.MAX_VALUE rounded down to a page). */
  static final long UNLIMITED_FLOOR = 1L << 60;

  private static final byte[] MAX = ProcFile.ascii("max");
  private static final byte[] V1_INACTIVE = ProcFile.ascii("total_inactive_file");
  private static final byte[] V2_INACTIVE = ProcFile.ascii("inactive_file");
  private static final byte[] V1_HIER_LIMIT = ProcFile.ascii("hierarchical_memory_limit");

  private final int version;
  private final Path dir;
  private final ProcFile usage;
  private final ProcFile stat;
  private final ProcFile[] limits;
  private final ProcFile pressure;
  private final String badUsageReason;

  private boolean usageBad;
  private long limit = MemorySnapshot.UNKNOWN;
  private long hierarchicalLimit = MemorySnapshot.NO_LIMIT;
  private long inactiveFile = MemorySnapshot.UNKNOWN;
  private String limitReason = "container limit not read yet";
  private String statReason = "memory.stat not read yet";
  private String workingSetReason = "approximated by usage: memory.stat not read yet";

  ContainerReader(CgroupLocator.Location location) {
    this.version = location.version();
    this.dir = location.dir();
    if (version == 1) {
      usage = new ProcFile(dir.resolve("memory.usage_in_bytes"), 64);
      limits = new ProcFile[] {new ProcFile(dir.resolve("memory.limit_in_bytes"), 64)};
      pressure = null;
    } else {
      usage = new ProcFile(dir.resolve("memory.current"), 64);
      List<ProcFile> chain = new ArrayList<>();
      Path p = dir;
      while (p != null && p.startsWith(location.mountPoint())) {
        if (Files.exists(p.resolve("memory.max"))) {
          chain.add(new ProcFile(p.resolve("memory.max"), 64));
        }
        if (p.equals(location.mountPoint())) {
          break;
        }
        p = p.getParent();
      }
      limits = chain.toArray(new ProcFile[0]);
      Path psi = dir.resolve("memory.pressure");
      pressure = Files.exists(psi) ? new ProcFile(psi, 256) : null;
    }
    stat = new ProcFile(dir.resolve("memory.stat"), 16 * 1024);
    badUsageReason = "unexpected contents in " + usage.path();
  }

  int version() {
    return version;
  }

  Path dir() {
    return dir;
  }

  /** The cgroup v2 {@code memory.pressure} file, or null (v1, or no PSI in this kernel). */
  ProcFile pressure() {
    return pressure;
  }

  /** Current usage in bytes, or -1 ({@link #usageReason()} says why). */
  long usage() {
    if (!usage.read()) {
      usageBad = false;
      return MemorySnapshot.UNKNOWN;
    }
    long v = usage.firstLong();
    usageBad = v < 0;
    return v;
  }

  /** Why the last {@link #usage()} was unknown (unreadable, or no number in it), or null. */
  String usageReason() {
    String failure = usage.failure();
    return failure != null ? failure : usageBad ? badUsageReason : null;
  }

  /** Re-reads the limit (and allows files that failed to be opened again). */
  void refreshLimit() {
    usage.retry();
    stat.retry();
    long lowest = MemorySnapshot.NO_LIMIT;
    String reason = limits.length == 0 ? "no memory.max in " + dir : null;
    for (ProcFile f : limits) {
      f.retry();
      if (!f.read()) {
        reason = f.failure();
        continue;
      }
      long v = f.startsWith(MAX) ? MemorySnapshot.NO_LIMIT : f.firstLong();
      if (v < 0) {
        reason = "unexpected contents in " + f.path();
        continue;
      }
      lowest = Math.min(lowest, v >= UNLIMITED_FLOOR ? MemorySnapshot.NO_LIMIT : v);
    }
    if (reason != null && lowest == MemorySnapshot.NO_LIMIT) {
      limit = MemorySnapshot.UNKNOWN;
      limitReason = reason;
    } else {
      limit = lowest;
      limitReason = null;
    }
  }

  /** Re-reads memory.stat: inactive file pages (and v1's hierarchical limit). */
  void refreshStat() {
    if (!stat.read()) {
      inactiveFile = MemorySnapshot.UNKNOWN;
      setStatReason(stat.failure());
      return;
    }
    long v = stat.keyed(version == 1 ? V1_INACTIVE : V2_INACTIVE);
    if (v < 0) {
      inactiveFile = MemorySnapshot.UNKNOWN;
      setStatReason("no inactive file figure in " + stat.path());
    } else {
      inactiveFile = v;
      statReason = null;
    }
    if (version == 1) {
      long h = stat.keyed(V1_HIER_LIMIT);
      hierarchicalLimit = h < 0 || h >= UNLIMITED_FLOOR ? MemorySnapshot.NO_LIMIT : h;
    }
  }

  /** The effective limit, {@link MemorySnapshot#NO_LIMIT}, or -1 ({@link #limitReason()}). */
  long limit() {
    if (limit == MemorySnapshot.UNKNOWN) {
      return hierarchicalLimit != MemorySnapshot.NO_LIMIT ? hierarchicalLimit : MemorySnapshot.UNKNOWN;
    }
    return Math.min(limit, hierarchicalLimit);
  }

  String limitReason() {
    return limit() == MemorySnapshot.UNKNOWN ? limitReason : null;
  }

  /** Inactive file bytes from the last memory.stat read, or -1 ({@link #statReason()}). */
  long inactiveFile() {
    return inactiveFile;
  }

  String statReason() {
    return statReason;
  }

  /** Why the working set is only approximated by usage (memory.stat unreadable); built once per change. */
  String workingSetReason() {
    return workingSetReason;
  }

  private void setStatReason(String reason) {
    if (!reason.equals(statReason)) {
      statReason = reason;
      workingSetReason = "approximated by usage: " + reason;
    }
  }

  @Override
  public void close() {
    usage.close();
    stat.close();
    for (ProcFile f : limits) {
      f.close();
    }
    if (pressure != null) {
      pressure.close();
    }
  }
}
