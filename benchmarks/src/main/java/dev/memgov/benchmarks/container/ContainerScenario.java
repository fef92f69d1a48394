package dev.memgov.benchmarks.container;

import dev.memgov.core.testkit.MemoryCgroup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the demo tenant app ({@code examples/target/memgov-demo.jar}) inside a real memory cgroup,
 * governed and ungoverned, and reports what the kernel saw: OOM kills, exit codes, peak usage, and
 * the working set over time (CSV and an SVG plot).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.memgov.benchmarks.container.ContainerScenario \
 *     survival --limit 384m --heap 512m --runs 3 --seconds 90 --out docs/container
 * java -cp benchmarks/target/benchmarks.jar dev.memgov.benchmarks.container.ContainerScenario \
 *     density --limit 1024m --heap 512m --tenants 2,3,4,6 --seconds 90
 * java -cp benchmarks/target/benchmarks.jar dev.memgov.benchmarks.container.ContainerScenario \
 *     idle --limit 1024m --heap 512m --load 40s --seconds 100 --jvm -XX:+UseG1GC
 * </pre>
 *
 * <p>Needs root and a writable memory cgroup (v1 or v2); creates {@code memgov-scn-*} cgroups and
 * removes them. Any arguments after {@code --} go to the demo app (its workload flags).
 */
public final class ContainerScenario {

  static final Pattern STATUS = Pattern.compile("cache (\\S+)/(\\S+) (\\d+|\\?)%? hit.*?\\| (\\d+) req/s");

  private ContainerScenario() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage("a scenario: survival, density or idle");
    }
    String scenario = args[0];
    Map<String, String> opt = new LinkedHashMap<>();
    opt.put("jar", "examples/target/memgov-demo.jar");
    opt.put("limit", "384m");
    opt.put("heap", "512m");
    opt.put("runs", "3");
    opt.put("seconds", "90");
    opt.put("tenants", "2,3,4");
    opt.put("load", "40s");
    opt.put("out", "");
    opt.put("jvm", "");
    opt.put("modes", "ungoverned,governed");
    List<String> demoArgs = new ArrayList<>(List.of("--rate", "0", "--keys", "200000", "--value-size", "4k-16k",
        "--spike", "15%", "--spike-period", "10s", "--spike-hold", "2s"));
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--")) {
        demoArgs = new ArrayList<>(List.of(args).subList(i + 1, args.length));
        break;
      }
      String k = args[i].replaceFirst("^--", "");
      if (!opt.containsKey(k) || i + 1 >= args.length) {
        usage("known options: " + opt.keySet() + "; got " + args[i]);
      }
      opt.put(k, args[++i]);
    }
    String reason = MemoryCgroup.unavailableReason();
    if (reason != null) {
      System.out.println("# skipped: " + reason);
      return;
    }
    if (!Files.exists(Path.of(opt.get("jar")))) {
      usage("no demo jar at " + opt.get("jar") + "; build it with: mvn -B -q -pl examples -am package -DskipTests");
    }
    System.out.printf(Locale.ROOT, "# %s: java %s, %d cores, limit %s, heap %s, demo args %s%n", scenario,
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), opt.get("limit"),
        opt.get("heap"), String.join(" ", demoArgs));
    switch (scenario) {
      case "survival":
        Survival.run(opt, demoArgs);
        break;
      case "density":
        Density.run(opt, demoArgs);
        break;
      case "idle":
        Idle.run(opt, demoArgs);
        break;
      default:
        usage("scenario must be survival, density or idle, but was '" + scenario + "'");
    }
  }

  static void usage(String why) {
    System.err.println("usage: ContainerScenario survival|density|idle [--jar J] [--limit 384m] [--heap 512m] [--runs 3]"
        + " [--seconds 90] [--tenants 2,3,4] [--modes ungoverned,governed] [--load 40s] [--jvm '-XX:+UseG1GC'] [--out DIR]"
        + " [-- demo flags...]\n" + why);
    System.exit(2);
  }

  static long size(String s) {
    return dev.memgov.core.GovernorPolicy.parseSize(s);
  }

  /** One tenant JVM: its process, its last status line, when it ended. */
  static final class Tenant {
    final String label;
    final Process process;
    volatile String lastStatus = "";
    volatile String cacheBytes = "?";
    volatile String cacheBudget = "?";
    final StringBuilder tail = new StringBuilder();
    /** Every status line's figures, in order, from the first on. */
    final List<Sample> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Lines other than status lines (the demo's events), the first 200. */
    final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    Tenant(String label, Process process) {
      this.label = label;
      this.process = process;
      Thread t = new Thread(this::pump, "tenant-" + label);
      t.setDaemon(true);
      t.start();
    }

    private void pump() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          Matcher m = STATUS.matcher(line);
          if (m.find()) {
            lastStatus = line;
            cacheBytes = m.group(1);
            cacheBudget = m.group(2);
            double hitRate = m.group(3).equals("?") ? Double.NaN : Integer.parseInt(m.group(3)) / 100.0;
            samples.add(Sample.of(line, hitRate, Long.parseLong(m.group(4))));
          } else if (events.size() < 200) {
            events.add(line);
          }
          synchronized (tail) {
            tail.append(line).append('\n');
            if (tail.length() > 8000) {
              tail.delete(0, tail.length() - 8000);
            }
          }
        }
      } catch (IOException e) {
        // process gone
      }
    }

    int waitFor(long seconds) throws InterruptedException {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
        return -1;
      }
      return process.exitValue();
    }
  }

  private static final Pattern RSS = Pattern.compile("\\| RSS (\\S+) ");
  private static final Pattern CACHE = Pattern.compile("\\| cache (\\S+)/");

  /** One status line's figures: hit rate (NaN when unknown), req/s, RSS and cache in MiB (NaN when unknown). */
  record Sample(double hitRate, long requestsPerSecond, double rssMib, double cacheMib) {
    static Sample of(String line, double hitRate, long requestsPerSecond) {
      return new Sample(hitRate, requestsPerSecond, mib(RSS, line), mib(CACHE, line));
    }

    private static double mib(Pattern p, String line) {
      Matcher m = p.matcher(line);
      return m.find() ? parseCompact(m.group(1)) / 1048576.0 : Double.NaN;
    }
  }

  /** Parses the demo's compact byte figures ({@code 12B}, {@code 340K}, {@code 56M}, {@code 1.2G}); NaN for {@code ?}. */
  static double parseCompact(String s) {
    if (s.isEmpty() || s.equals("?")) {
      return Double.NaN;
    }
    char unit = s.charAt(s.length() - 1);
    double scale = unit == 'K' ? 1024 : unit == 'M' ? 1 << 20 : unit == 'G' ? 1 << 30 : 1;
    try {
      return Double.parseDouble(Character.isDigit(unit) ? s : s.substring(0, s.length() - 1)) * scale;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * The mean of {@code f} over the second half of the samples (the first half is warm-up: caches
   * filling, governors settling); NaN when there is none.
   */
  static double secondHalfMean(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
    double sum = 0;
    int n = 0;
    for (int i = samples.size() / 2; i < samples.size(); i++) {
      double v = f.applyAsDouble(samples.get(i));
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** {@code java -Xmx.. -jar demo.jar --port 0 ...}. */
  static List<String> demoCommand(Map<String, String> opt, List<String> demoArgs, boolean governed, String duration) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + opt.get("heap")));
    for (String flag : opt.get("jvm").split(" ")) {
      if (!flag.isBlank()) {
        cmd.add(flag);
      }
    }
    cmd.addAll(List.of("-jar", opt.get("jar"), "--port", "0", "--duration", duration, "--status-interval", "2s"));
    cmd.addAll(demoArgs);
    if (!governed) {
      cmd.add("--no-governor");
    }
    return cmd;
  }

  /** Working set = usage − inactive file, as kubelet computes it. */
  static long workingSet(MemoryCgroup cg) throws IOException {
    long usage = cg.usageBytes();
    String key = cg.version() == 1 ? "total_inactive_file " : "inactive_file ";
    for (String line : Files.readAllLines(cg.dir().resolve("memory.stat"))) {
      if (line.startsWith(key)) {
        return Math.max(0, usage - Long.parseLong(line.substring(key.length()).trim()));
      }
    }
    return usage;
  }

  static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
  }

  static String median(List<Double> values, String fmt) {
    List<Double> v = new ArrayList<>(values);
    v.removeIf(d -> d == null || d.isNaN());
    if (v.isEmpty()) {
      return "–";
    }
    v.sort(null);
    double m = v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
    String s = String.format(Locale.ROOT, fmt, m);
    return v.size() == 1 ? s : s + " (" + String.format(Locale.ROOT, fmt, v.get(0)) + "–"
        + String.format(Locale.ROOT, fmt, v.get(v.size() - 1)) + ")";
  }
}
