package dev.memgov.benchmarks.squeeze;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The squeeze benchmark: each contender in its own JVM with the same small heap and the same
 * workload, several runs each, medians with the spread, printed as a Markdown table.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.memgov.benchmarks.squeeze.SqueezeBenchmark \
 *     --workloads io,alloc --contenders count,soft,fixed,memgov,memgov-l2 --runs 3 --seconds 40 --heap 256m
 * </pre>
 *
 * <p>{@code memgov-l2} starts its own {@code redis-server} on a free loopback port (skipped with a
 * note when none is on the PATH).
 */
public final class SqueezeBenchmark {

  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":\"?([^,\"}]+)\"?");

  private SqueezeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    opt.put("workloads", "io,alloc");
    opt.put("contenders", "count,soft,fixed,memgov,memgov-l2");
    opt.put("runs", "3");
    opt.put("seconds", "40");
    opt.put("heap", "256m");
    opt.put("threads", "2");
    for (int i = 0; i < args.length; i += 2) {
      String k = args[i].replaceFirst("^--", "");
      if (!opt.containsKey(k) || i + 1 >= args.length) {
        System.err.println("usage: SqueezeBenchmark [--workloads io,alloc] [--contenders count,soft,fixed,memgov,memgov-l2]"
            + " [--runs 3] [--seconds 40] [--heap 256m] [--threads 2]; unknown or incomplete option: " + args[i]);
        System.exit(2);
      }
      opt.put(k, args[i + 1]);
    }
    int runs = Integer.parseInt(opt.get("runs"));
    int seconds = Integer.parseInt(opt.get("seconds"));
    List<String> contenders = Arrays.asList(opt.get("contenders").split(","));
    for (String c : contenders) {
      Contender.parse(c);
    }

    Redis redis = contenders.contains("memgov-l2") ? Redis.start() : null;
    System.out.printf(Locale.ROOT, "# squeeze: java %s, %d cores, heap %s, %d s per run, %d runs, %s threads%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), opt.get("heap"), seconds, runs,
        opt.get("threads"));
    try {
      for (String workload : opt.get("workloads").split(",")) {
        Map<String, List<Run>> byContender = new LinkedHashMap<>();
        for (int r = 0; r < runs; r++) {
          // interleave contenders within each round, so machine noise spreads evenly
          for (String c : contenders) {
            if (c.equals("memgov-l2") && redis == null) {
              continue;
            }
            if (redis != null) {
              redis.flush();
            }
            Run run = runOnce(c, workload, seconds, opt.get("heap"), opt.get("threads"), redis);
            System.out.println("run " + (r + 1) + " " + workload + " " + c + ": " + run);
            byContender.computeIfAbsent(c, k -> new ArrayList<>()).add(run);
          }
        }
        printTable(workload, byContender);
      }
    } finally {
      if (redis != null) {
        redis.close();
      }
    }
  }

  static Run runOnce(String contender, String workload, int seconds, String heap, String threads, Redis redis)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-Xms" + heap, "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"),
        SqueezeWorker.class.getName(), contender, workload, String.valueOf(seconds), threads));
    if (redis != null && contender.equals("memgov-l2")) {
      cmd.add(redis.uri());
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Run run = new Run();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("CALM ")) {
            run.calm = parse(line.substring(5));
          } else if (line.startsWith("RESULT ")) {
            run.result = parse(line.substring(7));
          } else if (line.contains("OutOfMemoryError") || line.contains("Terminating due to")) {
            run.oomLine = line;
          }
        }
      } catch (IOException e) {
        // process ended
      }
    });
    reader.start();
    boolean done = p.waitFor(seconds + 90L, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor();
      run.outcome = "stalled";
    } else {
      reader.join(5000);
      int exit = p.exitValue();
      run.outcome = exit == 0 && run.result != null ? "ok" : exit == 3 || run.oomLine != null ? "OOM" : "exit " + exit;
    }
    return run;
  }

  static Map<String, String> parse(String json) {
    Map<String, String> m = new LinkedHashMap<>();
    Matcher matcher = FIELD.matcher(json);
    while (matcher.find()) {
      m.put(matcher.group(1), matcher.group(2));
    }
    return m;
  }

  static void printTable(String workload, Map<String, List<Run>> byContender) {
    System.out.println();
    System.out.println("### workload `" + workload + "`: medians (min–max) over runs");
    System.out.println();
    System.out.println("| contender | survived | calm hit rate | squeeze hit rate | throughput (gets/s) | p50 µs | p99 µs | p99 in spikes µs | GC share | peak RSS MB | cache MB at end |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (Map.Entry<String, List<Run>> e : byContender.entrySet()) {
      List<Run> runs = e.getValue();
      long ok = runs.stream().filter(r -> r.outcome.equals("ok")).count();
      String outcomes = runs.stream().map(r -> r.outcome).reduce((a, b) -> a + ", " + b).orElse("");
      System.out.printf(Locale.ROOT, "| %s | %d/%d%s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
          e.getKey(), ok, runs.size(), ok == runs.size() ? "" : " (" + outcomes + ")",
          stat(runs, true, "hitRate", 100, "%.1f%%"),
          stat(runs, false, "hitRate", 100, "%.1f%%"),
          stat(runs, false, "throughput", 1, "%.0f"),
          stat(runs, false, "p50us", 1, "%.0f"),
          stat(runs, false, "p99us", 1, "%.0f"),
          stat(runs, false, "spikeP99us", 1, "%.0f"),
          stat(runs, false, "gcShare", 100, "%.1f%%"),
          stat(runs, false, "peakRssMb", 1, "%.0f"),
          stat(runs, false, "cacheMb", 1, "%.0f"));
    }
    System.out.println();
  }

  private static String stat(List<Run> runs, boolean calm, String field, double scale, String fmt) {
    double[] v = runs.stream()
        .map(r -> calm ? r.calm : r.result)
        .filter(m -> m != null && m.containsKey(field))
        .mapToDouble(m -> Double.parseDouble(m.get(field)) * scale)
        .sorted()
        .toArray();
    if (v.length == 0) {
      return "–";
    }
    double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    String m = String.format(Locale.ROOT, fmt, median);
    if (v.length == 1) {
      return m;
    }
    return m + " (" + String.format(Locale.ROOT, fmt, v[0]) + "–" + String.format(Locale.ROOT, fmt, v[v.length - 1]) + ")";
  }

  /** One forked run. */
  static final class Run {
    volatile Map<String, String> calm;
    volatile Map<String, String> result;
    volatile String oomLine;
    String outcome = "?";

    @Override
    public String toString() {
      return outcome + (result != null ? " " + result : calm != null ? " calm " + calm : "");
    }
  }

  /** A throwaway redis-server on a free loopback port. */
  static final class Redis implements AutoCloseable {
    private final Process process;
    private final int port;

    private Redis(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static Redis start() throws IOException, InterruptedException {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path dir = Files.createTempDirectory("memgov-squeeze-redis");
      Process p;
      try {
        p = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(port), "--save", "",
            "--appendonly", "no", "--dir", dir.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
      } catch (IOException e) {
        System.out.println("# memgov-l2 skipped: no redis-server on the PATH (" + e.getMessage() + ")");
        return null;
      }
      for (int i = 0; i < 100; i++) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          return new Redis(p, port);
        } catch (IOException e) {
          Thread.sleep(50);
        }
      }
      p.destroyForcibly();
      System.out.println("# memgov-l2 skipped: redis-server did not start");
      return null;
    }

    String uri() {
      return "redis://127.0.0.1:" + port;
    }

    void flush() throws IOException {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        s.getOutputStream().write("FLUSHALL\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        s.getInputStream().read(new byte[16]);
      }
    }

    @Override
    public void close() {
      process.destroy();
    }
  }
}
