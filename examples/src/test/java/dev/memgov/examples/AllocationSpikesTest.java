package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Allocation spikes hold their arrays for the hold time only, and nothing once closed. */
class AllocationSpikesTest {

  @Test
  void aSpikeIsHeldThenLetGoAndNothingIsHeldAfterClose() {
    AllocationSpikes spikes = new AllocationSpikes(4 << 20, Duration.ofHours(1), Duration.ofMinutes(30));
    spikes.spike();
    assertThat(spikes.heldBytes.get()).isEqualTo(4 << 20);
    spikes.close();
    assertThat(spikes.heldBytes.get()).isZero();
    // a spike that was already running when the load stopped (close) must not stay held for ever
    spikes.spike();
    assertThat(spikes.heldBytes.get()).isZero();
  }
}
