package dev.memgov.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RestoreRequestTest {

  /** One step as exact arithmetic: current + max(1, configured * percent / 100), at most configured. */
  private static long exactNext(long current, long configured, int percent) {
    if (current >= configured) {
      return configured;
    }
    BigInteger step = BigInteger.valueOf(configured).multiply(BigInteger.valueOf(percent))
        .divide(BigInteger.valueOf(100)).max(BigInteger.ONE);
    return BigInteger.valueOf(current).add(step).min(BigInteger.valueOf(configured)).longValueExact();
  }

  @Test
  void aStepIsItsShareOfTheConfiguredBudgetNeverAboveIt() {
    RestoreRequest quarter = new RestoreRequest(25);
    assertThat(quarter.next(0, 400_000)).isEqualTo(100_000);
    assertThat(quarter.next(100_000, 400_000)).isEqualTo(200_000);
    assertThat(quarter.next(350_000, 400_000)).isEqualTo(400_000);
    assertThat(quarter.next(400_000, 400_000)).isEqualTo(400_000);
    assertThat(quarter.next(500_000, 400_000)).isEqualTo(400_000);
    assertThat(new RestoreRequest(1).next(0, 50)).isEqualTo(1); // at least one unit
    assertThat(new RestoreRequest(10).next(3, 16)).isEqualTo(4);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 25, 50, 99, 100})
  void aBudgetNearLongMaxValueGrowsByItsShareAndReachesTheConfiguredBudget(int percent) {
    RestoreRequest r = new RestoreRequest(percent);
    for (long configured : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE / 2 + 1,
        Long.MAX_VALUE / 100 + 1}) {
      for (long current : new long[] {0, 1, 4096, configured / 4, configured / 2, configured - 2, configured - 1}) {
        assertThat(r.next(current, configured)).as("%d%% from %d to %d", percent, current, configured)
            .isEqualTo(exactNext(current, configured, percent));
      }
      long budget = configured / 4;
      int steps = 0;
      while (budget < configured && steps <= 100) {
        long next = r.next(budget, configured);
        assertThat(next).isGreaterThan(budget).isLessThanOrEqualTo(configured);
        budget = next;
        steps++;
      }
      assertThat(budget).isEqualTo(configured);
      assertThat(steps).isLessThanOrEqualTo((100 + percent - 1) / percent);
    }
  }

  @Test
  void aStepIsExactForAnyBudget() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 100_000; i++) {
      long configured = random.nextLong(1, Long.MAX_VALUE) >>> random.nextInt(64);
      long current = configured <= 1 ? 0 : random.nextLong(0, configured);
      int percent = random.nextInt(1, 101);
      assertThat(new RestoreRequest(percent).next(current, configured))
          .isEqualTo(exactNext(current, configured, percent));
    }
  }

  @Test
  void aStepPercentOutsideOneToHundredIsRefused() {
    assertThatThrownBy(() -> new RestoreRequest(0)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("stepPercent must be between 1 and 100, but was 0");
    assertThatThrownBy(() -> new RestoreRequest(101)).hasMessage("stepPercent must be between 1 and 100, but was 101");
  }
}
