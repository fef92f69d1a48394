package dev.memgov.benchmarks.container;

import dev.memgov.core.testkit.MemoryCgroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One tenant in its own cgroup, governed and ungoverned, several runs each (interleaved).
 * Reports kills per contender, and writes the working set over time of the first run of each.
 */
final class Survival {
  private Survival() {}

  record Outcome(int exit, long oomKills, long peak, List<double[]> workingSetMib, String lastStatus) {
    boolean survived() {
      return exit == 0 && oomKills == 0;
    }
  }

  static void run(Map<String, String> opt, List<String> demoArgs) throws Exception {
    int runs = Integer.parseInt(opt.get("runs"));
    int seconds = Integer.parseInt(opt.get("seconds"));
    long limit = ContainerScenario.size(opt.get("limit"));
    Map<String, List<Outcome>> byMode = new LinkedHashMap<>();
    for (int r = 0; r < runs; r++) {
      for (String mode : List.of("ungoverned", "governed")) {
        Outcome o = once(opt, demoArgs, mode.equals("governed"), limit, seconds, "memgov-scn-" + ProcessHandle.current().pid() + "-" + r + mode.charAt(0));
        System.out.printf(Locale.ROOT, "run %d %s: exit %d, oom_kills %d, peak %s MiB | %s%n", r + 1, mode, o.exit, o.oomKills,
            ContainerScenario.mb(o.peak), o.lastStatus);
        byMode.computeIfAbsent(mode, k -> new ArrayList<>()).add(o);
      }
    }
    System.out.println();
    System.out.println("| tenant | survived | OOM kills | peak cgroup usage MiB | hit rate at end |");
    System.out.println("|---|---|---|---|---|");
    for (Map.Entry<String, List<Outcome>> e : byMode.entrySet()) {
      List<Outcome> os = e.getValue();
      long survived = os.stream().filter(Outcome::survived).count();
      long kills = os.stream().mapToLong(o -> Math.max(0, o.oomKills)).sum();
      List<Double> peaks = new ArrayList<>();
      List<Double> hits = new ArrayList<>();
      for (Outcome o : os) {
        peaks.add(o.peak / 1048576.0);
        java.util.regex.Matcher m = ContainerScenario.STATUS.matcher(o.lastStatus);
        hits.add(m.find() && !m.group(3).equals("?") ? Double.parseDouble(m.group(3)) : Double.NaN);
      }
      System.out.printf(Locale.ROOT, "| %s | %d/%d | %d | %s | %s |%n", e.getKey(), survived, os.size(), kills,
          ContainerScenario.median(peaks, "%.0f"), ContainerScenario.median(hits, "%.0f%%"));
    }
    String out = opt.get("out");
    if (!out.isEmpty()) {
      Path dir = Path.of(out);
      Files.createDirectories(dir);
      SvgPlot plot = new SvgPlot("cgroup working set, demo tenant, limit " + opt.get("limit") + ", -Xmx" + opt.get("heap"));
      StringBuilder csv = new StringBuilder("mode,seconds,working_set_mib\n");
      for (Map.Entry<String, List<Outcome>> e : byMode.entrySet()) {
        Outcome first = e.getValue().get(0);
        plot.series(e.getKey() + (first.survived() ? " (survived)" : " (OOM-killed)"), first.workingSetMib.toArray(new double[0][]));
        for (double[] p : first.workingSetMib) {
          csv.append(e.getKey()).append(',').append(String.format(Locale.ROOT, "%.1f,%.1f", p[0], p[1])).append('\n');
        }
      }
      plot.reference("limit " + opt.get("limit"), limit / 1048576.0);
      Files.writeString(dir.resolve("survival.svg"), plot.render());
      Files.writeString(dir.resolve("survival.csv"), csv.toString());
      System.out.println("wrote " + dir.resolve("survival.svg") + " and survival.csv");
    }
  }

  static Outcome once(Map<String, String> opt, List<String> demoArgs, boolean governed, long limit, int seconds,
      String name) throws Exception {
    try (MemoryCgroup cg = MemoryCgroup.create(name, limit)) {
      ContainerScenario.Tenant t = new ContainerScenario.Tenant(name,
          cg.start(ContainerScenario.demoCommand(opt, demoArgs, governed, seconds + "s")));
      List<double[]> series = new ArrayList<>();
      long start = System.nanoTime();
      long deadline = start + (seconds + 60) * 1_000_000_000L;
      while (t.process.isAlive() && System.nanoTime() < deadline) {
        try {
          series.add(new double[] {(System.nanoTime() - start) / 1e9, ContainerScenario.workingSet(cg) / 1048576.0});
        } catch (java.io.IOException e) {
          break;
        }
        Thread.sleep(500);
      }
      int exit = t.waitFor(5);
      return new Outcome(exit, cg.oomKills(), cg.peakBytes(), series, t.lastStatus);
    }
  }
}
