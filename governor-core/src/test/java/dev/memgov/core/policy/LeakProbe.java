package dev.memgov.core.policy;

import dev.memgov.core.GovernorEvent;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.MemorySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child-JVM entry point for tests and by hand: a governor with the default policy and the real
 * sensor watches a workload that churns medium-lived garbage (it survives a few young GCs, is
 * promoted and dies in the old generation: the sawtooth of a web app's request data) and, if
 * asked, leaks: retains byte arrays at a steady rate for good.
 *
 * <p>Arguments: leak KiB per second, churn MiB per second, seconds to run at most, and optionally
 * options: {@code verbose} (a line per second on stderr), {@code nostop}. Stops at the first
 * {@code LeakSuspected} event (unless {@code nostop}) and prints {@code name=value} lines: {@code flaggedAfterMillis} (-1 when never flagged), {@code
 * leakedMiB}, {@code ranMillis}, {@code gcCount}, {@code heapMax}, {@code oldGenAfterGc}.
 */
public final class LeakProbe {
  private static final int CHUNK = 16 << 10;
  /** The medium-lived garbage (MiB): a ring of chunks, each overwritten once the ring came round. */
  private static final int RING_MIB = Integer.getInteger("leakProbe.ringMiB", 8);

  private static volatile Object sink;

  private LeakProbe() {}

  public static void main(String[] args) throws Exception {
    long leakKibPerSecond = Long.parseLong(args[0]);
    long churnMibPerSecond = Long.parseLong(args[1]);
    long seconds = Long.parseLong(args[2]);
    String options = args.length > 3 ? args[3] : "";
    boolean verbose = options.contains("verbose");
    boolean keepGoing = options.contains("nostop");

    AtomicLong flaggedAt = new AtomicLong(-1);
    List<byte[]> leaked = new ArrayList<>();
    byte[][] ring = new byte[(RING_MIB << 20) / CHUNK][];
    try (MemoryGovernor g = MemoryGovernor.builder().name("leak-probe").jmxEnabled(false).build()) {
      g.subscribe(GovernorEvent.LeakSuspected.class, e -> flaggedAt.compareAndSet(-1, System.nanoTime()));
      g.start();
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      long churned = 0;
      long leakedBytes = 0;
      int slot = 0;
      long nextLine = start;
      while ((keepGoing || flaggedAt.get() < 0) && System.nanoTime() < end) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        // catch up with both rates, then sleep a little
        while (churned < elapsed * (churnMibPerSecond << 20)) {
          byte[] b = new byte[CHUNK];
          ring[slot] = b;
          slot = (slot + 1) % ring.length;
          sink = new byte[CHUNK]; // and short-lived garbage beside it
          churned += 2 * CHUNK;
        }
        while (leakedBytes < elapsed * (leakKibPerSecond << 10)) {
          leaked.add(new byte[CHUNK]);
          leakedBytes += CHUNK;
        }
        if (verbose && System.nanoTime() >= nextLine) {
          MemorySnapshot s = g.status().snapshot();
          System.err.printf("t=%.1fs oldGenAfterGc=%dM gcCount=%d leaked=%dM leak=%s%n", elapsed,
              s.oldGenAfterGc() >> 20, s.gcCount(), leakedBytes >> 20, g.status().trend().leakSuspected());
          nextLine += TimeUnit.SECONDS.toNanos(1);
        }
        Thread.sleep(2);
      }
      long flagged = flaggedAt.get();
      MemorySnapshot s = g.status().snapshot();
      StringBuilder out = new StringBuilder();
      out.append("flaggedAfterMillis=").append(flagged < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(flagged - start)).append('\n');
      out.append("leakedMiB=").append(leakedBytes >> 20).append('\n');
      out.append("ranMillis=").append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).append('\n');
      out.append("gcCount=").append(s.gcCount()).append('\n');
      out.append("heapMax=").append(s.heapMax()).append('\n');
      out.append("oldGenAfterGc=").append(s.oldGenAfterGc()).append('\n');
      System.out.print(out);
      System.out.flush();
    }
    sink = leaked;
  }
}
