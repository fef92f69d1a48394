package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Starts the demo exactly as the README does — {@code java -jar examples/target/memgov-demo.jar} —
 * as a separate process on a free port, talks to it over loopback HTTP, and stops it with SIGTERM.
 * A failsafe test: it needs the shaded jar, which exists only after {@code package}.
 */
class TenantAppIT {

  private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
  private static Path jar;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Path stdoutFile;
  private Path stderrFile;
  private Process process;

  @BeforeAll
  static void findTheJar() {
    jar = Path.of(System.getProperty("memgov.demo.jar", "target/memgov-demo.jar"));
    assertThat(jar).as("the shaded jar built by package").exists();
  }

  @AfterEach
  void killWhatIsLeftAndShowItsOutput() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (stdoutFile != null) {
      System.out.println("--- demo stdout\n" + String.join("\n", stdout()) + "\n--- demo stderr\n"
          + String.join("\n", stderr()));
      Files.deleteIfExists(stdoutFile);
      Files.deleteIfExists(stderrFile);
    }
  }

  /**
   * Starts the jar with {@code flags}. Output goes to files: reading a pipe while the process
   * exits can fail with "Stream closed" and lose the last lines, which are the ones checked.
   */
  private Process start(String... flags) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar.toString()));
    command.addAll(List.of(flags));
    stdoutFile = Files.createTempFile(jar.getParent(), "demo-it-", ".out");
    stderrFile = Files.createTempFile(jar.getParent(), "demo-it-", ".err");
    process = new ProcessBuilder(command).redirectOutput(stdoutFile.toFile()).redirectError(stderrFile.toFile()).start();
    return process;
  }

  private List<String> stdout() throws IOException {
    return Files.readAllLines(stdoutFile, StandardCharsets.UTF_8);
  }

  private List<String> stderr() throws IOException {
    return Files.readAllLines(stderrFile, StandardCharsets.UTF_8);
  }

  private int awaitPort() {
    int[] port = {-1};
    await("the demo's 'listening on' line").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
        .failFast("the demo exited", () -> !process.isAlive())
        .until(() -> {
          for (String line : stdout()) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
              port[0] = Integer.parseInt(m.group(1));
              return true;
            }
          }
          return false;
        });
    return port[0];
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void stopWithSigtermAndExpectACleanExit() throws Exception {
    process.destroy(); // SIGTERM on Linux and macOS
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("stopped within 20 s").isTrue();
    assertThat(process.exitValue()).as("exit code; stderr: %s", stderr()).isZero();
    assertThat(stdout()).as("stdout").last().asString().endsWith("memgov demo stopped cleanly");
  }

  @Test
  void theReadmeRunServesStatusOptimizeAndMetricsAndStopsCleanlyOnSigterm() throws Exception {
    start("--port", "0", "--rate", "200", "--status-interval", "500ms");
    int port = awaitPort();
    ObjectMapper json = new ObjectMapper();

    // 1. the status
    HttpResponse<String> status = get(port, "/api/memory");
    assertThat(status.statusCode()).isEqualTo(200);
    JsonNode st = json.readTree(status.body());
    assertThat(st.get("governor").asText()).isEqualTo("tenant");
    assertThat(st.get("running").asBoolean()).isTrue();
    assertThat(st.get("level").asText()).isIn("normal", "warning", "critical", "emergency");
    assertThat(names(st.get("governables"))).contains("tenant-values", "hikari:tenant-db", "tenant-workers", "jvm");

    // 2. an optimize: the cache's budget is cut, and the app says so on its console
    HttpResponse<String> optimize = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/memory/optimize")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"level\":\"standard\",\"force\":true}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(optimize.statusCode()).as(optimize.body()).isEqualTo(200);
    JsonNode report = json.readTree(optimize.body());
    assertThat(report.get("level").asText()).isEqualTo("standard");
    assertThat(report.get("trigger").asText()).isEqualTo("http");
    JsonNode cache = byName(report.get("governables"), "tenant-values");
    assertThat(cache.get("budgetAfter").asLong()).isLessThanOrEqualTo(cache.get("budgetBefore").asLong() / 2);
    JsonNode after = byName(json.readTree(get(port, "/api/memory").body()).get("governables"), "tenant-values");
    assertThat(after.get("currentBudget").asLong()).isLessThan(after.get("configuredBudget").asLong());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(stdout()).anyMatch(l -> l.contains("memgov cleanup standard (http")));

    // 3. the Prometheus scrape, with memgov's meters beside the app's
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(get(port, "/metrics").body()).containsPattern("demo_requests_total\\{kind=\"read\"} [1-9]"));
    String metrics = get(port, "/metrics").body();
    assertThat(metrics)
        .contains("memgov_pressure_level{")
        .containsPattern("memgov_cleanups_total\\{[^}]*level=\"standard\"[^}]*trigger=\"http\"[^}]*} 1")
        .contains("memgov_governable_budget")
        .contains("memgov_cache_gets_total{")
        .contains("memgov_jdbc_pool_connections{")
        .contains("hikaricp_connections");

    // the status line kept coming, with the governor's level in it
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stdout())
        .anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d (NORMAL|WARNING|CRITICAL|EMERGENCY) .* req/s .*")));

    stopWithSigtermAndExpectACleanExit();
  }

  private static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.get("name").asText()));
    return names;
  }

  private static JsonNode byName(JsonNode array, String name) {
    for (JsonNode n : array) {
      if (n.get("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no '" + name + "' in " + array);
  }

  @Test
  void withoutTheGovernorTheSameAppRunsAndTheApiSaysItIsOff() throws Exception {
    start("--no-governor", "--port", "0", "--rate", "200", "--status-interval", "500ms");
    int port = awaitPort();

    HttpResponse<String> api = get(port, "/api/memory");
    assertThat(api.statusCode()).isEqualTo(503);
    assertThat(api.body()).contains("\"error\":\"governor_off\"");

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      String metrics = get(port, "/metrics").body();
      assertThat(metrics).containsPattern("demo_requests_total\\{kind=\"read\"} [1-9]");
    });
    HttpResponse<String> metrics = get(port, "/metrics");
    assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(metrics.body()).contains("hikaricp_connections").contains("jvm_memory_used_bytes")
        .contains("memgov_cache_gets_total{") // the same cache, ungoverned
        .doesNotContain("memgov_pressure_").doesNotContain("memgov_cleanups").doesNotContain("memgov_jdbc_");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stdout())
        .anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d OFF .* req/s .*")));

    stopWithSigtermAndExpectACleanExit();
  }

  @Test
  void aBadFlagExitsWith2AndSaysWhatWasWrong() throws Exception {
    start("--port", "99999");
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(stderr()).containsExactly("memgov demo: --port must be between 0 and 65535, but was 99999",
        "Run with --help to see every flag.");
    assertThat(stdout()).isEmpty();
  }

  @Test
  void readmeRunCommandJarIsSelfContained() throws IOException {
    // the README runs it with nothing but the jar: main class and services are in it
    try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
      assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.memgov.examples.TenantApp");
      assertThat(j.getEntry("org/h2/Driver.class")).isNotNull();
      assertThat(j.getEntry("META-INF/services/java.sql.Driver")).isNotNull();
    }
    assertThat(Files.size(jar)).isGreaterThan(1 << 20);
  }
}
