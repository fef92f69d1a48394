package dev.memgov.core.sensor;

import dev.memgov.core.GovernorClock;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;

/**
 * A child-JVM entry point for tests: starts the real sensor, retains {@code args[0]} MiB (default
 * 32), runs {@code System.gc()}, waits for the notifications of every GC since the start, and prints one snapshot as {@code
 * name=value} lines (then {@code oldPool=} and {@code cgroup=}).
 */
public final class SnapshotPrinter {
  private static volatile List<byte[]> retained;

  private SnapshotPrinter() {}

  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    try (SystemMemorySensor sensor = new SystemMemorySensor(GovernorPolicy.defaults(), GovernorClock.system())) {
      AtomicLong gcEnds = new AtomicLong();
      long before = collections();
      sensor.start(gcEnds::incrementAndGet);
      List<byte[]> list = new ArrayList<>();
      for (int i = 0; i < mib; i++) {
        list.add(new byte[1 << 20]);
      }
      retained = list;
      System.gc();
      // every collection of every collector sends one notification: wait for all of them
      long expected = collections() - before;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (gcEnds.get() < expected && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      boolean notified = expected > 0 && gcEnds.get() >= expected;
      MemorySnapshot s = sensor.sample();
      StringBuilder out = new StringBuilder();
      for (RecordComponent c : MemorySnapshot.class.getRecordComponents()) {
        out.append(c.getName()).append('=').append(c.getAccessor().invoke(s)).append('\n');
      }
      out.append("notified=").append(notified).append('\n');
      out.append("partial=").append(sensor.heapFigurePartial()).append('\n');
      out.append("retainedMiB=").append(retained.size()).append('\n');
      out.append("cgroup=").append(sensor.containerDescription()).append('\n');
      out.append("processesRss=").append(java.util.Arrays.toString(sensor.containerProcessesRss())).append('\n');
      System.out.print(out);
    }
  }
}
