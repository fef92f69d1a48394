package dev.memgov.benchmarks.squeeze;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The squeeze workload: a Zipf-skewed key space whose full working set is larger than the heap,
 * JSON-like values whose size grows after a calm phase, a loader that costs real time on a miss,
 * and transient allocation spikes.
 *
 * <p>The squeeze phase reads its own keys ({@link #key}): the same Zipf ranks, offset past the calm
 * phase's keys, so each key has one value size for the whole run. (With shared keys a cache that
 * never drops its hot entries kept the calm phase's small values for them through the squeeze and
 * served them as hits: a fixed 51 MiB cache measured a 79.7 % hit rate where the best 51 MiB of
 * squeeze-size values holds 71.4 % of the Zipf mass.)
 *
 * <p>Two kinds: {@code io} (the loader waits ~1 ms, as for a database or HTTP call) and
 * {@code alloc} (the loader and each request allocate heavily, the case where soft references
 * are known to thrash). Immutable and thread-safe except {@link Zipf#next}, which each thread
 * calls with its own random.
 */
final class Workload {
  final String kind;
  final int keys;
  final double skew;
  final int calmMinBytes;
  final int calmMaxBytes;
  final int squeezeMinBytes;
  final int squeezeMaxBytes;
  final long missCostNanos;
  final int spikeMb;
  final long spikeEveryMillis;
  final long spikeHoldMillis;
  final int requestGarbageBytes;
  final Zipf zipf;

  Workload(String kind, int keys, double skew) {
    this.kind = kind;
    this.keys = keys;
    this.skew = skew;
    this.calmMinBytes = 512;
    this.calmMaxBytes = 2048;
    this.squeezeMinBytes = 1024;
    this.squeezeMaxBytes = 16 * 1024;
    boolean io = kind.equals("io");
    this.missCostNanos = io ? 1_000_000 : 0;
    this.spikeMb = 48;
    this.spikeEveryMillis = 4000;
    this.spikeHoldMillis = 400;
    this.requestGarbageBytes = io ? 0 : 64 * 1024;
    this.zipf = new Zipf(keys, skew);
  }

  static Workload named(String kind) {
    if (!kind.equals("io") && !kind.equals("alloc")) {
      throw new IllegalArgumentException("workload must be io or alloc, but was '" + kind + "'");
    }
    return new Workload(kind, 200_000, 0.99);
  }

  /** Where the squeeze phase's keys start: past every calm-phase key. */
  static final long SQUEEZE_KEYS = 1L << 32;

  /** The key read for Zipf rank {@code rank}: the calm phase's own, or the squeeze phase's. */
  long key(long rank, boolean squeeze) {
    return squeeze ? SQUEEZE_KEYS + rank : rank;
  }

  /** The value for a key in a phase: deterministic, so a reader can check it. */
  byte[] value(long key, boolean squeeze) {
    SplittableRandom r = new SplittableRandom(key * 0x9E3779B97F4A7C15L + (squeeze ? 1 : 0));
    int min = squeeze ? squeezeMinBytes : calmMinBytes;
    int max = squeeze ? squeezeMaxBytes : calmMaxBytes;
    int size = min + r.nextInt(max - min + 1);
    StringBuilder sb = new StringBuilder(size + 64);
    sb.append("{\"key\":").append(key).append(",\"items\":[");
    while (sb.length() < size - 80) {
      sb.append("{\"id\":\"").append(Long.toHexString(r.nextLong())).append("\",\"qty\":")
          .append(r.nextInt(100)).append(",\"name\":\"item-").append(r.nextInt(1000)).append("\"},");
    }
    sb.append("{}]}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A miss: the cost of fetching the value from its source. */
  byte[] load(long key, boolean squeeze) {
    if (missCostNanos > 0) {
      LockSupport.parkNanos(missCostNanos);
    } else {
      // an allocation-heavy source: parse-and-rebuild garbage about 8x the value
      for (int i = 0; i < 8; i++) {
        value(key + i * 1_000_003L, squeeze);
      }
    }
    return value(key, squeeze);
  }

  /** Zipf sampler over [0, n) by inverse CDF. */
  static final class Zipf {
    private final double[] cdf;

    Zipf(int n, double s) {
      cdf = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += 1.0 / Math.pow(i + 1, s);
        cdf[i] = sum;
      }
      for (int i = 0; i < n; i++) {
        cdf[i] /= sum;
      }
    }

    long next(SplittableRandom r) {
      double u = r.nextDouble();
      int lo = 0;
      int hi = cdf.length - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }
}
