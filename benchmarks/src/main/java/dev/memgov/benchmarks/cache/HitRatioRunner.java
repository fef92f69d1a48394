package dev.memgov.benchmarks.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The L1 hit ratio ({@code GovernedCache.get} over raw Caffeine {@code getIfPresent}) measured in
 * <em>paired</em> JMH forks: each round runs one fork of each benchmark back to back (alternating
 * which goes first) and takes their ratio; the report is the median of the rounds' ratios with its
 * min and max. On a shared, noisy machine this is far steadier than comparing two benchmarks that
 * a plain JMH run measures minutes apart, and it averages out the fork-to-fork spread of JIT code
 * layout (±30 % for a few-ns Caffeine get).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.memgov.benchmarks.cache.HitRatioRunner \
 *     [--rounds 8] [--datasets hot16k,random256k] [--a governed] [--b rawCaffeine]
 * </pre>
 */
public final class HitRatioRunner {
  private HitRatioRunner() {}

  public static void main(String[] args) throws RunnerException {
    int rounds = 8;
    String[] datasets = {"hot16k", "random256k"};
    String a = "governed";
    String b = "rawCaffeine";
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(need(args[i], v));
        case "--datasets" -> datasets = need(args[i], v).split(",");
        case "--a" -> a = need(args[i], v);
        case "--b" -> b = need(args[i], v);
        default -> throw new IllegalArgumentException(
            "unknown flag '" + args[i] + "'; accepted: --rounds N, --datasets a,b, --a BENCH, --b BENCH");
      }
      i++;
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, but was " + rounds);
    }
    for (String dataset : datasets) {
      double[] ratios = new double[rounds];
      double[] as = new double[rounds];
      double[] bs = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        if (r % 2 == 0) {
          as[r] = score(a, dataset);
          bs[r] = score(b, dataset);
        } else {
          bs[r] = score(b, dataset);
          as[r] = score(a, dataset);
        }
        ratios[r] = as[r] / bs[r];
        System.out.printf(Locale.ROOT, "%s round %d: %s %.2f ops/us, %s %.2f ops/us, ratio %.3f%n",
            dataset, r + 1, a, as[r], b, bs[r], ratios[r]);
      }
      System.out.printf(Locale.ROOT,
          "%s: %s/%s median ratio %.3f (min %.3f, max %.3f) over %d paired forks; median %s %.2f, %s %.2f ops/us%n",
          dataset, a, b, median(ratios), min(ratios), max(ratios), rounds, a, median(as), b, median(bs));
    }
  }

  private static String need(String flag, String v) {
    if (v == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return v;
  }

  private static double score(String bench, String dataset) throws RunnerException {
    return new Runner(new OptionsBuilder()
        .include(CacheHitBenchmark.class.getName() + "." + bench + "$")
        .param("dataset", dataset)
        .forks(1)
        .warmupIterations(5)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(1))
        .verbosity(VerboseMode.SILENT)
        .build())
        .runSingle()
        .getPrimaryResult()
        .getScore();
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }
}
