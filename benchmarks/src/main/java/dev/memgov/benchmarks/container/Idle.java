package dev.memgov.benchmarks.container;

import java.util.List;
import java.util.Map;

/** Idle give-back: needs the demo to stop its workload but keep running (not yet supported). */
final class Idle {
  private Idle() {}

  static void run(Map<String, String> opt, List<String> demoArgs) {
    System.out.println("# idle: not measured yet (the demo has no flag to stop its workload and stay up)");
  }
}
