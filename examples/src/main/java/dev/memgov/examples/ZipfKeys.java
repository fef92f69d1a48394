package dev.memgov.examples;

import java.util.random.RandomGenerator;

/**
 * Draws ranks 1..n with Zipf-distributed popularity: rank k is drawn with probability
 * proportional to {@code 1 / k^s}. Uses rejection-inversion (Hörmann and Derflinger, 1996), so it
 * needs O(1) memory whatever n is; {@code s = 0} is uniform.
 *
 * <p>This class is immutable and thread-safe; callers pass their own random source.
 */
final class ZipfKeys {

  private final long n;
  private final double s;
  private final double hIntegralX1;
  private final double hIntegralN;
  private final double sLimit;

  ZipfKeys(long n, double s) {
    if (n < 1) {
      throw new IllegalArgumentException("key space must be at least 1, but was " + n);
    }
    if (!(s >= 0)) {
      throw new IllegalArgumentException("skew must be at least 0, but was " + s);
    }
    this.n = n;
    this.s = s;
    this.hIntegralX1 = hIntegral(1.5) - 1;
    this.hIntegralN = hIntegral(n + 0.5);
    this.sLimit = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
  }

  /** A rank in 1..n; rank 1 is the most popular. */
  long next(RandomGenerator random) {
    while (true) {
      double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
      double x = hIntegralInverse(u);
      long k = (long) (x + 0.5);
      if (k < 1) {
        k = 1;
      } else if (k > n) {
        k = n;
      }
      if (k - x <= sLimit || u >= hIntegral(k + 0.5) - h(k)) {
        return k;
      }
    }
  }

  private double h(double x) {
    return Math.exp(-s * Math.log(x));
  }

  private double hIntegral(double x) {
    double logX = Math.log(x);
    return helper2((1 - s) * logX) * logX;
  }

  private double hIntegralInverse(double x) {
    double t = x * (1 - s);
    if (t < -1) {
      t = -1; // limits the damage of rounding near the end of the range
    }
    return Math.exp(helper1(t) * x);
  }

  /** log1p(x) / x, accurate near 0. */
  private static double helper1(double x) {
    return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
  }

  /** expm1(x) / x, accurate near 0. */
  private static double helper2(double x) {
    return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
  }
}
