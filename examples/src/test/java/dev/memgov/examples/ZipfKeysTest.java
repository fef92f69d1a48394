package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfKeysTest {

  private static final int DRAWS = 400_000;

  private static long[] counts(long n, double s) {
    ZipfKeys zipf = new ZipfKeys(n, s);
    SplittableRandom random = new SplittableRandom(7);
    long[] counts = new long[(int) n + 1];
    for (int i = 0; i < DRAWS; i++) {
      long k = zipf.next(random);
      assertThat(k).isBetween(1L, n);
      counts[(int) k]++;
    }
    return counts;
  }

  private static double harmonic(long n, double s) {
    double h = 0;
    for (long k = 1; k <= n; k++) {
      h += Math.pow(k, -s);
    }
    return h;
  }

  @Test
  void rankKIsDrawnWithProbabilityOneOverKToTheS() {
    long n = 1000;
    double s = 1.0;
    long[] counts = counts(n, s);
    double h = harmonic(n, s);
    for (int k : new int[] {1, 2, 10, 100}) {
      assertThat(counts[k] / (double) DRAWS).as("rank %d", k).isCloseTo(Math.pow(k, -s) / h, within(0.004));
    }
  }

  @Test
  void skewZeroIsUniform() {
    long[] counts = counts(10, 0);
    for (int k = 1; k <= 10; k++) {
      assertThat(counts[k] / (double) DRAWS).as("rank %d", k).isCloseTo(0.1, within(0.005));
    }
  }

  @Test
  void aHigherSkewConcentratesOnTheTopKeys() {
    assertThat(counts(1000, 1.5)[1]).isGreaterThan(counts(1000, 0.8)[1] * 3);
  }

  @Test
  void rejectsAnEmptyKeySpace() {
    assertThatThrownBy(() -> new ZipfKeys(0, 1)).hasMessage("key space must be at least 1, but was 0");
  }
}
