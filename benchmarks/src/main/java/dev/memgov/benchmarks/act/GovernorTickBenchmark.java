package dev.memgov.benchmarks.act;

import dev.memgov.core.Governable;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import dev.memgov.core.internal.DefaultMemoryGovernor;
import dev.memgov.core.sensor.MemorySensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One governor tick at NORMAL: sample, evaluate, act (nothing to do), publish status and history.
 * {@code sensor=fixed} returns a prepared snapshot (the governor's own cost); {@code sensor=system}
 * uses the system sensor on this branch (sensor cost included). Four governables at their budgets.
 * The tick runs on the benchmark thread ({@code tickNow()} on a governor that is not started).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class GovernorTickBenchmark {

  @Param({"fixed", "system"})
  public String sensor;

  private DefaultMemoryGovernor governor;
  private MemorySensor bare;

  @Setup(Level.Trial)
  public void setUp() {
    GovernorPolicy policy = GovernorPolicy.builder().timerTriggerEnabled(false).gcTriggerEnabled(false).build();
    MemorySensor s = sensor.equals("fixed") ? new Fixed() : MemorySensor.system(policy, dev.memgov.core.GovernorClock.system());
    var b = MemoryGovernor.builder().name("bench-tick").policy(policy).sensor(s).jmxEnabled(false).jvmGovernable(false);
    for (int i = 0; i < 4; i++) {
      b.governable(new Idle("g" + i));
    }
    governor = (DefaultMemoryGovernor) b.build();
    bare = sensor.equals("fixed") ? new Fixed() : MemorySensor.system(policy, dev.memgov.core.GovernorClock.system());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    governor.close();
    bare.close();
  }

  @Benchmark
  public long tick() {
    governor.tickNow();
    return 0;
  }

  /** The sensor alone, side by side: tick minus this is the governor's own cost. */
  @Benchmark
  public MemorySnapshot sampleOnly() {
    return bare.sample();
  }

  /** A prepared snapshot at 30 % heap: NORMAL. */
  static final class Fixed implements MemorySensor {
    private final MemorySnapshot snapshot = MemorySnapshot.builder().time(System.currentTimeMillis(), System.nanoTime())
        .heap(300L << 20, 1000L << 20, 1000L << 20).oldGenAfterGc(300L << 20).gc(10, 0.5, 2)
        .rss(400L << 20, -1).build();

    @Override
    public MemorySnapshot sample() {
      return snapshot;
    }
  }

  /** A governable at its configured budget. */
  static final class Idle implements Governable {
    private final String name;

    Idle(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String kind() {
      return "cache";
    }

    @Override
    public long footprintBytes() {
      return 1 << 20;
    }

    @Override
    public String budgetUnit() {
      return "bytes";
    }

    @Override
    public long configuredBudget() {
      return 1 << 20;
    }

    @Override
    public long currentBudget() {
      return 1 << 20;
    }

    @Override
    public RebuildCost rebuildCost() {
      return RebuildCost.CHEAP;
    }

    @Override
    public ReclaimResult reclaim(ReclaimRequest request) {
      return ReclaimResult.nothing("bench");
    }

    @Override
    public RestoreResult restore(RestoreRequest request) {
      return RestoreResult.complete();
    }
  }
}
