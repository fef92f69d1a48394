package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void stopWithSigtermAndExpectACleanExit() throws Exception {
    process.destroy(); // SIGTERM on Linux and macOS
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("stopped within 20 s").isTrue();
    assertThat(process.exitValue()).as("exit code; stderr: %s", stderr()).isZero();
    assertThat(stdout()).as("stdout").last().asString().endsWith("memgov demo stopped cleanly");
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
        .doesNotContain("memgov_");
    assertThat(stdout()).anyMatch(l -> l.startsWith("OFF") || l.matches("\\d\\d:\\d\\d:\\d\\d OFF .*"));

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
