package dev.memgov.benchmarks.container;

import dev.memgov.core.testkit.MemoryCgroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Idle give-back: the demo runs its load for {@code --load}, then stays up idle ({@code
 * --load-for}); the working set of its cgroup is read at the end of the load and every second
 * after, governed and ungoverned, interleaved. The limit is set high enough not to interfere.
 * After the table: each tenant's status line at +60 s (live set, cache) and its idle cleanup
 * events (the governor's idle give-back, trigger {@code idle}).
 */
final class Idle {
  private Idle() {}

  static void run(Map<String, String> opt, List<String> demoArgs) throws Exception {
    int runs = Integer.parseInt(opt.get("runs"));
    int seconds = Integer.parseInt(opt.get("seconds"));
    long loadSeconds = dev.memgov.core.GovernorPolicy.parseDuration(opt.get("load")).toSeconds();
    long limit = ContainerScenario.size(opt.get("limit"));
    List<String> args = new ArrayList<>(demoArgs);
    args.addAll(List.of("--load-for", loadSeconds + "s"));
    Map<String, List<double[]>> byMode = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    System.out.println("| tenant | run | working set at load end MiB | +30 s | +60 s | at the end |");
    System.out.println("|---|---|---|---|---|---|");
    for (int r = 0; r < runs; r++) {
      for (String mode : List.of("ungoverned", "governed")) {
        String name = "memgov-scn-" + ProcessHandle.current().pid() + "-i" + r + mode.charAt(0);
        try (MemoryCgroup cg = MemoryCgroup.create(name, limit)) {
          ContainerScenario.Tenant t = new ContainerScenario.Tenant(name,
              cg.start(ContainerScenario.demoCommand(opt, args, mode.equals("governed"), seconds + "s")));
          long start = System.nanoTime();
          double atEnd = Double.NaN;
          double at30 = Double.NaN;
          double at60 = Double.NaN;
          double last = Double.NaN;
          String status60 = "";
          while (t.process.isAlive()) {
            double s = (System.nanoTime() - start) / 1e9;
            double ws;
            try {
              ws = ContainerScenario.workingSet(cg) / 1048576.0;
            } catch (java.io.IOException e) {
              break;
            }
            if (s <= loadSeconds) {
              atEnd = ws;
            }
            if (s <= loadSeconds + 30) {
              at30 = ws;
            }
            if (s <= loadSeconds + 60) {
              at60 = ws;
              status60 = t.lastStatus;
            }
            last = ws;
            Thread.sleep(500);
          }
          int exit = t.waitFor(10);
          System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f%s |%n", mode, r + 1, atEnd, at30, at60, last,
              exit == 0 ? "" : " (exit " + exit + ")");
          byMode.computeIfAbsent(mode, k -> new ArrayList<>()).add(new double[] {atEnd, at30, at60});
          notes.add(mode + " " + (r + 1) + " at +60 s: " + status60.trim());
          for (String line : t.events) {
            if (line.contains("(idle") || line.contains("load stopped")) {
              notes.add(mode + " " + (r + 1) + ": " + line.trim());
            }
          }
        }
      }
    }
    List<double[]> u = byMode.get("ungoverned");
    List<double[]> g = byMode.get("governed");
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(u.size(), g.size()); i++) {
      ratios.add(100.0 * (1 - g.get(i)[2] / u.get(i)[2]));
    }
    System.out.println();
    System.out.println("governed working set 60 s after the load, less than ungoverned by: "
        + ContainerScenario.median(ratios, "%.0f%%"));
    System.out.println();
    for (String n : notes) {
      System.out.println("    " + n);
    }
  }
}
