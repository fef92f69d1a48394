package dev.memgov.benchmarks.container;

import dev.memgov.core.testkit.MemoryCgroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * K tenants as separate JVMs in one shared cgroup whose limit is well below what they would each
 * like to use; governed and ungoverned. Reports kills, how many tenants were still serving at the
 * end, and each tenant's cache and hit rate.
 */
final class Density {
  private Density() {}

  static void run(Map<String, String> opt, List<String> demoArgs) throws Exception {
    int seconds = Integer.parseInt(opt.get("seconds"));
    int runs = Integer.parseInt(opt.get("runs"));
    long limit = ContainerScenario.size(opt.get("limit"));
    System.out.println("Per tenant: cache and budget at the end; then the means over the second half of the run"
        + " (status every 2 s): hit rate, req/s, cache MiB, RSS MiB.");
    System.out.println("| tenants | mode | run | OOM kills | tenants alive at end | peak MiB | mean hit rate | per tenant: cache/budget at end;"
        + " 2nd-half means: hit rate, req/s, cache MiB, RSS MiB |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String k : opt.get("tenants").split(",")) {
      int tenants = Integer.parseInt(k.trim());
      for (int r = 0; r < runs; r++) {
        for (String mode : modes(opt)) {
          String name = "memgov-scn-" + ProcessHandle.current().pid() + "-d" + tenants + mode.charAt(0) + r;
          try (MemoryCgroup cg = MemoryCgroup.create(name, limit)) {
            List<ContainerScenario.Tenant> ts = new ArrayList<>();
            for (int i = 0; i < tenants; i++) {
              ts.add(new ContainerScenario.Tenant(name + "-" + i,
                  cg.start(ContainerScenario.demoCommand(opt, demoArgs, mode.equals("governed"), seconds + "s"))));
            }
            int alive = 0;
            double hitSum = 0;
            int hitN = 0;
            StringBuilder per = new StringBuilder();
            for (ContainerScenario.Tenant t : ts) {
              int exit = t.waitFor(seconds + 90L);
              if (exit == 0) {
                alive++;
              }
              double hit = ContainerScenario.secondHalfMean(t.samples, ContainerScenario.Sample::hitRate);
              if (!Double.isNaN(hit)) {
                hitSum += hit;
                hitN++;
              }
              per.append(String.format(Locale.ROOT, "%s/%s, %s %.0f %.0f %.0f; ", t.cacheBytes, t.cacheBudget,
                  Double.isNaN(hit) ? "?" : String.format(Locale.ROOT, "%.1f%%", hit * 100),
                  ContainerScenario.secondHalfMean(t.samples, x -> x.requestsPerSecond()),
                  ContainerScenario.secondHalfMean(t.samples, ContainerScenario.Sample::cacheMib),
                  ContainerScenario.secondHalfMean(t.samples, ContainerScenario.Sample::rssMib)));
              if (exit != 0) {
                per.append("(exit ").append(exit).append(") ");
              }
            }
            System.out.printf(Locale.ROOT, "| %d | %s | %d | %d | %d/%d | %s | %s | %s |%n", tenants, mode, r + 1, cg.oomKills(),
                alive, tenants, ContainerScenario.mb(cg.peakBytes()),
                hitN == 0 ? "?" : String.format(Locale.ROOT, "%.1f%%", hitSum / hitN * 100), per);
          }
        }
      }
    }
  }

  /** {@code --modes}: which of ungoverned and governed to run, in that order (default both). */
  static List<String> modes(Map<String, String> opt) {
    String m = opt.getOrDefault("modes", "ungoverned,governed");
    List<String> out = new ArrayList<>();
    for (String mode : List.of("ungoverned", "governed")) {
      if (List.of(m.split(",")).contains(mode)) {
        out.add(mode);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--modes must list ungoverned and/or governed, but was '" + m + "'");
    }
    return out;
  }
}
