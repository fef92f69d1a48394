package dev.memgov.benchmarks.squeeze;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One contender in its own JVM: runs the workload for a fixed time and prints {@code CALM {...}}
 * at the end of the calm phase and {@code RESULT {...}} at the end. Started by {@link
 * SqueezeBenchmark} with {@code -XX:+ExitOnOutOfMemoryError}, so an OOM ends the JVM with exit
 * code 3.
 *
 * <p>Arguments: {@code contender workload seconds threads [redisUri]}.
 */
public final class SqueezeWorker {

  static volatile boolean squeeze;
  static volatile boolean spiking;

  private SqueezeWorker() {}

  public static void main(String[] args) throws Exception {
    Contender contender = Contender.parse(args[0]);
    Workload workload = Workload.named(args[1]);
    int seconds = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    String redisUri = args.length > 4 ? args[4] : null;
    long heapMax = Runtime.getRuntime().maxMemory();

    try (SqueezeCache cache = contender.create(workload, heapMax, redisUri)) {
      long start = System.nanoTime();
      long calmEnd = start + seconds * 300_000_000L;
      long end = start + seconds * 1_000_000_000L;
      long gcStart = gcMillis();

      CountDownLatch calmFlushed = new CountDownLatch(threads);
      Phase calm = new Phase();
      Phase hard = new Phase();
      List<Thread> workers = new ArrayList<>();
      List<Runner> runners = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Runner r = new Runner(cache, workload, calm, hard, calmEnd, end, 42 + t, calmFlushed);
        runners.add(r);
        Thread th = new Thread(r, "squeeze-" + t);
        workers.add(th);
        th.start();
      }
      Thread spiker = new Thread(() -> spikes(workload, calmEnd, end), "spiker");
      spiker.setDaemon(true);
      spiker.start();

      // calm phase ends: report it, so the driver has it even if the squeeze phase kills us
      sleepUntil(calmEnd);
      squeeze = true;
      calmFlushed.await();
      long gcCalm = gcMillis();
      System.out.println("CALM " + json(contender, workload, calm, null, gcCalm - gcStart,
          (calmEnd - start) / 1_000_000L, cache));
      System.out.flush();

      for (Thread th : workers) {
        th.join();
      }
      long wallMillis = (System.nanoTime() - calmEnd) / 1_000_000L;
      Spikes spike = new Spikes();
      for (Runner r : runners) {
        spike.all.add(r.spikeLatency);
        spike.hits.add(r.spikeHitLatency);
        spike.misses.add(r.spikeMissLatency);
      }
      System.out.println("RESULT " + json(contender, workload, hard, spike, gcMillis() - gcCalm, wallMillis, cache));
      System.out.flush();
    }
    System.exit(0);
  }

  private static void spikes(Workload w, long calmEnd, long end) {
    sleepUntil(calmEnd);
    // where the spikes fall in a GC log (-Xlog:gc:...:uptime): one every spikeEveryMillis from here
    System.err.println("squeeze: first spike at JVM uptime " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
    while (System.nanoTime() < end) {
      byte[][] held = new byte[w.spikeMb][];
      spiking = true;
      for (int i = 0; i < held.length; i++) {
        held[i] = new byte[1 << 20];
      }
      sleepMillis(w.spikeHoldMillis);
      held = null;
      spiking = false;
      sleepMillis(w.spikeEveryMillis - w.spikeHoldMillis);
    }
  }

  /** Get latency while a spike is held: all gets, hits and misses. */
  static final class Spikes {
    final LatencyHistogram all = new LatencyHistogram();
    final LatencyHistogram hits = new LatencyHistogram();
    final LatencyHistogram misses = new LatencyHistogram();
  }

  /** Counters and latency of one phase, shared by the runners. */
  static final class Phase {
    final AtomicLong gets = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final LatencyHistogram latency = new LatencyHistogram();
  }

  static final class Runner implements Runnable {
    final SqueezeCache cache;
    final Workload w;
    final Phase calm;
    final Phase hard;
    final long calmEnd;
    final long end;
    final SplittableRandom random;
    final LatencyHistogram calmLatency = new LatencyHistogram();
    final LatencyHistogram hardLatency = new LatencyHistogram();
    final LatencyHistogram spikeLatency = new LatencyHistogram();
    final LatencyHistogram spikeHitLatency = new LatencyHistogram();
    final LatencyHistogram spikeMissLatency = new LatencyHistogram();
    final CountDownLatch calmFlushed;

    Runner(SqueezeCache cache, Workload w, Phase calm, Phase hard, long calmEnd, long end, long seed,
        CountDownLatch calmFlushed) {
      this.calmFlushed = calmFlushed;
      this.cache = cache;
      this.w = w;
      this.calm = calm;
      this.hard = hard;
      this.calmEnd = calmEnd;
      this.end = end;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public void run() {
      long gets = 0;
      long misses = 0;
      long errors = 0;
      boolean inCalm = true;
      long sink = 0;
      while (true) {
        long now = System.nanoTime();
        if (inCalm && now >= calmEnd) {
          flush(calm, calmLatency, gets, misses, errors);
          calmFlushed.countDown();
          gets = misses = errors = 0;
          inCalm = false;
        }
        if (now >= end) {
          break;
        }
        long key = w.key(w.zipf.next(random), !inCalm);
        boolean[] missed = {false};
        byte[] v;
        try {
          v = cache.get(key, k -> {
            missed[0] = true;
            return w.load(k, squeeze);
          });
          if (v == null || v.length < 16 || v[0] != '{') {
            errors++;
          } else {
            sink += v[v.length / 2];
          }
        } catch (RuntimeException e) {
          errors++;
        }
        if (w.requestGarbageBytes > 0) {
          byte[] response = new byte[w.requestGarbageBytes];
          sink += response[random.nextInt(response.length)];
        }
        long took = System.nanoTime() - now;
        gets++;
        if (missed[0]) {
          misses++;
        }
        (inCalm ? calmLatency : hardLatency).record(took);
        if (!inCalm && spiking) {
          spikeLatency.record(took);
          (missed[0] ? spikeMissLatency : spikeHitLatency).record(took);
        }
      }
      if (sink == 42) {
        System.out.print("");
      }
      flush(hard, hardLatency, gets, misses, errors);
    }

    private static void flush(Phase p, LatencyHistogram h, long gets, long misses, long errors) {
      p.gets.addAndGet(gets);
      p.misses.addAndGet(misses);
      p.errors.addAndGet(errors);
      synchronized (p) {
        p.latency.add(h);
      }
    }
  }

  private static String json(Contender c, Workload w, Phase p, Spikes spike, long gcMillis, long wallMillis,
      SqueezeCache cache) {
    long gets = p.gets.get();
    double hitRate = gets == 0 ? 0 : 1.0 - (double) p.misses.get() / gets;
    return String.format(Locale.ROOT,
        "{\"contender\":\"%s\",\"workload\":\"%s\",\"gets\":%d,\"throughput\":%.1f,\"hitRate\":%.4f,"
            + "\"errors\":%d,\"p50us\":%.1f,\"p99us\":%.1f,\"spikeP99us\":%.1f,\"gcShare\":%.4f,"
            + "\"peakRssMb\":%.1f,\"cacheMb\":%.1f,\"spikeGets\":%d,\"spikeHitRate\":%.4f,"
            + "\"spikeHitP99us\":%.1f,\"spikeMissP50us\":%.1f,\"spikeMissP99us\":%.1f}",
        c.wireName(), w.kind, gets, gets * 1000.0 / Math.max(1, wallMillis), hitRate, p.errors.get(),
        p.latency.quantile(0.50) / 1000.0, p.latency.quantile(0.99) / 1000.0,
        spike == null ? 0.0 : spike.all.quantile(0.99) / 1000.0,
        (double) gcMillis / Math.max(1, wallMillis), peakRssMb(), cache.bytes() / 1048576.0,
        spike == null ? 0 : spike.all.count(),
        spike == null || spike.all.count() == 0 ? 0.0 : (double) spike.hits.count() / spike.all.count(),
        spike == null ? 0.0 : spike.hits.quantile(0.99) / 1000.0,
        spike == null ? 0.0 : spike.misses.quantile(0.50) / 1000.0,
        spike == null ? 0.0 : spike.misses.quantile(0.99) / 1000.0);
  }

  static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  static void sleepUntil(long nanoDeadline) {
    long left;
    while ((left = nanoDeadline - System.nanoTime()) > 0) {
      sleepMillis(Math.max(1, left / 1_000_000L));
    }
  }

  static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
