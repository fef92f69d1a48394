package dev.memgov.core.sensor;

import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.MemorySnapshot;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;

/**
 * A child-JVM entry point for {@link HeapSignalByCollectorTest}: a governor with the default policy
 * and the real sensor, then live data until the old generation holds the given share of its
 * maximum after a full GC. Prints {@code name=value} lines: {@code level}, {@code heapRatio},
 * {@code oldGenAfterGc}, {@code oldGenMax}, {@code heapMax}.
 *
 * <p>Argument: the share of the old generation's maximum to fill, e.g. {@code 0.88}.
 */
public final class OldGenFillProbe {
  private static final int CHUNK = 16 << 10;
  private static volatile Object sink;

  private OldGenFillProbe() {}

  public static void main(String[] args) throws Exception {
    double share = Double.parseDouble(args[0]);
    MemoryPoolMXBean old = GcWatcher.findOldPool(ManagementFactory.getMemoryPoolMXBeans());
    if (old == null || old.getType() != MemoryType.HEAP) {
      throw new IllegalStateException("no old-generation pool");
    }
    try (MemoryGovernor g = MemoryGovernor.builder().name("fill-probe").jmxEnabled(false).build()) {
      g.start();
      System.gc();
      long target = (long) (share * old.getUsage().getMax());
      List<byte[]> held = new ArrayList<>();
      for (long b = old.getCollectionUsage().getUsed(); b < target; b += CHUNK + 16) {
        held.add(new byte[CHUNK]);
      }
      sink = held;
      held = null;
      System.gc(); // a whole-heap GC: the live data is in the old generation, its figure exact
      long deadline = System.nanoTime() + 5_000_000_000L;
      MemorySnapshot s = g.status().snapshot();
      while (System.nanoTime() < deadline && (s == null || s.oldGenAfterGc() < target * 9 / 10)) {
        Thread.sleep(50); // the governor samples at the GC's end
        s = g.status().snapshot();
      }
      Thread.sleep(200);
      s = g.status().snapshot();
      System.out.println("level=" + g.status().pressure().level());
      System.out.println("heapRatio=" + s.heapRatio());
      System.out.println("oldGenAfterGc=" + s.oldGenAfterGc());
      System.out.println("oldGenMax=" + s.oldGenMax());
      System.out.println("heapMax=" + s.heapMax());
      System.out.flush();
    }
  }
}
