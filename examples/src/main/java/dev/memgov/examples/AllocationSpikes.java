package dev.memgov.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic allocation spikes, as a tenant sees when a big report or an upload lands: every period
 * it allocates the spike in 1 MiB arrays, holds them, then lets them go. A spike the heap cannot
 * hold fails with {@link OutOfMemoryError} on this thread only; it is dropped, counted and
 * reported, and the next spike comes on time. While paused (the app sheds load) no spike is made.
 * This class is thread-safe.
 */
final class AllocationSpikes implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AllocationSpikes.class);
  private static final int CHUNK = 1 << 20;

  private final long bytes;
  private final Duration period;
  private final Duration hold;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(Workload.threads("tenant-spikes"));
  private volatile List<byte[]> held = List.of();
  private volatile boolean paused;
  private volatile boolean closed;
  final AtomicLong heldBytes = new AtomicLong();
  final LongAdder spikes = new LongAdder();
  final LongAdder failed = new LongAdder();

  AllocationSpikes(long bytes, Duration period, Duration hold) {
    this.bytes = bytes;
    this.period = period;
    this.hold = hold;
  }

  void start() {
    if (bytes > 0) {
      scheduler.scheduleAtFixedRate(this::spike, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Skips spikes while paused (the app sheds load at EMERGENCY) and drops the one held. */
  void pause(boolean pause) {
    paused = pause;
    if (pause) {
      release();
    }
  }

  boolean paused() {
    return paused;
  }

  /** Makes one spike now (the scheduler calls it every period); nothing once closed. */
  void spike() {
    if (paused || closed) {
      return;
    }
    List<byte[]> chunks = new ArrayList<>();
    long got = 0;
    try {
      while (got < bytes) {
        int n = (int) Math.min(CHUNK, bytes - got);
        chunks.add(new byte[n]);
        got += n;
      }
      held = chunks;
      heldBytes.set(got);
      spikes.increment();
    } catch (OutOfMemoryError e) {
      // deliberate: the spike is the thing that allocates, so it is the thing that gives up
      chunks = null;
      held = List.of();
      heldBytes.set(0);
      failed.increment();
      LOG.warn("memgov demo: a spike of {} failed with OutOfMemoryError after {}; it was dropped",
          Bytes.format(bytes), Bytes.format(got));
      return;
    }
    try {
      scheduler.schedule(this::release, hold.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      release(); // closed while this spike was being allocated: let it go now, not never
    }
    if (closed) {
      release();
    }
  }

  private void release() {
    held = List.of();
    heldBytes.set(0);
  }

  /** Bytes allocated per spike (0 = off). */
  long spikeBytes() {
    return bytes;
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    release();
  }
}
