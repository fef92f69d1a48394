package dev.memgov.examples;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant's traffic: a pacer submits requests at the configured rate to a worker pool; each
 * request picks a Zipf-skewed key and either reads it through the cache (a miss costs a database
 * query and building the document) or, for {@code --write-percent} of requests, updates the
 * account row and invalidates the key. This class is thread-safe.
 */
final class Workload implements AutoCloseable {

  /** What the workload reads through and invalidates: the governed cache, adapted. */
  interface Store {
    String get(long key);

    void invalidate(long key);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Workload.class);
  private static final long PACE_MILLIS = 10;

  private final Store store;
  private final TenantDatabase db;
  private final ZipfKeys keys;
  private final int rate;
  private final int writePercent;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService pacer;
  private double owed;

  final LongAdder reads = new LongAdder();
  final LongAdder writes = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder bytesRead = new LongAdder();
  private volatile String lastError = "";

  Workload(DemoOptions options, Store store, TenantDatabase db) {
    this.store = store;
    this.db = db;
    this.keys = new ZipfKeys(options.keys, options.skew);
    this.rate = options.rate;
    this.writePercent = options.writePercent;
    this.workers = new ThreadPoolExecutor(options.threads, options.threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(options.threads * 64), threads("tenant-worker"), (r, pool) -> dropped.increment());
    this.pacer = Executors.newSingleThreadScheduledExecutor(threads("tenant-pacer"));
  }

  /** The worker pool, for the governor to adopt. */
  ThreadPoolExecutor workers() {
    return workers;
  }

  private volatile boolean paused;

  void start() {
    pacer.scheduleAtFixedRate(this::pace, 0, PACE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Requests done (reads plus writes). */
  long requests() {
    return reads.sum() + writes.sum();
  }

  String lastError() {
    return lastError;
  }

  /** Stops sending requests; the workers go idle and the app stays up. */
  void pause() {
    paused = true;
  }

  private void pace() {
    if (paused || workers.isShutdown()) {
      return;
    }
    int n;
    if (rate == 0) {
      // as fast as the workers go: keep a few requests queued per worker
      n = Math.max(0, workers.getMaximumPoolSize() * 4 - workers.getQueue().size());
    } else {
      owed += rate * (PACE_MILLIS / 1000.0);
      n = (int) owed;
      owed -= n;
    }
    for (int i = 0; i < n && !workers.isShutdown(); i++) {
      workers.execute(this::request);
    }
  }

  private void request() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long key = keys.next(random);
    try {
      if (writePercent > 0 && random.nextInt(100) < writePercent) {
        db.update(key, random.nextInt(-500, 5_000));
        store.invalidate(key);
        writes.increment();
      } else {
        String value = store.get(key);
        bytesRead.add(value == null ? 0 : value.length());
        reads.increment();
      }
    } catch (Exception e) {
      errors.increment();
      String text = e.getClass().getSimpleName() + ": " + e.getMessage();
      if (!text.equals(lastError)) {
        LOG.warn("memgov demo: a request failed (the app keeps going): {}", text);
      }
      lastError = text;
    }
  }

  @Override
  public void close() {
    pacer.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
      pacer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
