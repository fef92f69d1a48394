package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The command-line paths of {@link TenantApp#main}: run, --help (exit 0), bad flags (exit 2). */
class TenantAppTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private TenantApp.Launch launch(Map<String, String> env, String... args) {
    return TenantApp.parseCommandLine(args, env, 1L << 30, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aBadFlagPrintsWhatWasWrongOnStderrAndExitsWith2() {
    TenantApp.Launch launch = launch(Map.of(), "--port", "99999");
    assertThat(launch.shouldRun()).isFalse();
    assertThat(launch.exitCode()).isEqualTo(2);
    assertThat(err()).isEqualTo("memgov demo: --port must be between 0 and 65535, but was 99999\n"
        + "Run with --help to see every flag.\n");
    assertThat(out()).isEmpty();
  }

  @Test
  void aBadMemgovVariableIsAUsageErrorToo() {
    TenantApp.Launch launch = launch(Map.of("MEMGOV_WARNING_PERCENT", "120"));
    assertThat(launch.exitCode()).isEqualTo(2);
    assertThat(err()).startsWith("memgov demo: MEMGOV_WARNING_PERCENT").contains("120");
  }

  @Test
  void withoutTheGovernorMemgovVariablesAreNotRead() {
    TenantApp.Launch launch = launch(Map.of("MEMGOV_WARNING_PERCENT", "120"), "--no-governor");
    assertThat(launch.shouldRun()).isTrue();
    assertThat(err()).isEmpty();
  }

  @Test
  void helpPrintsEveryFlagOnStdoutAndExitsWith0() {
    TenantApp.Launch launch = launch(Map.of(), "--port", "1", "--help");
    assertThat(launch.shouldRun()).isFalse();
    assertThat(launch.exitCode()).isZero();
    assertThat(out()).isEqualTo(DemoOptions.usage()).contains("--l1-budget").contains("--no-governor");
    assertThat(err()).isEmpty();
  }

  @Test
  void aGoodCommandLineRuns() {
    TenantApp.Launch launch = launch(Map.of(), "--port", "0", "--rate", "10");
    assertThat(launch.shouldRun()).isTrue();
    assertThat(launch.options().port).isZero();
    assertThat(launch.options().rate).isEqualTo(10);
    assertThat(out()).isEmpty();
    assertThat(err()).isEmpty();
  }

  @Test
  void startedInProcessItRegistersMBeansOnThePlatformServerAndCloseRemovesThem() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName memgov = new ObjectName("dev.memgov:*");
    ObjectName hikari = new ObjectName("com.zaxxer.hikari:type=Pool (tenant-db)");
    TenantApp.Launch launch = launch(Map.of(), "--port", "0", "--rate", "50", "--keys", "100", "--spike", "0",
        "--l1-budget", "8m");
    TenantApp app = new TenantApp(launch.options(), Map.of(),
        new StatusLine(new PrintStream(out, true, StandardCharsets.UTF_8), false, () -> 80));
    try {
      app.start();
      assertThat(app.port()).isPositive();
      Set<ObjectName> names = server.queryNames(memgov, null);
      assertThat(names).extracting(ObjectName::toString)
          .anyMatch(n -> n.contains("tenant"))
          .anyMatch(n -> n.contains("tenant-values"))
          .anyMatch(n -> n.contains("tenant-workers"));
      assertThat(server.isRegistered(hikari)).isTrue();
    } finally {
      app.close();
    }
    assertThat(server.queryNames(memgov, null)).isEmpty();
    assertThat(server.isRegistered(hikari)).isFalse();
    assertThat(out()).contains("memgov demo listening on http://127.0.0.1:").endsWith("memgov demo stopped cleanly\n");
  }

  @Test
  void aDatabaseThatCannotBeOpenedStopsTheStartSaysWhyAndLeavesNothingBehind() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    TenantApp.Launch launch = launch(Map.of(), "--port", "0", "--jdbc-url", "jdbc:nope:x");
    TenantApp app = new TenantApp(launch.options(), Map.of(),
        new StatusLine(new PrintStream(out, true, StandardCharsets.UTF_8), false, () -> 80));
    Exception failure = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, app::start);
    assertThat(TenantApp.startFailure(failure)).isEqualTo(
        "memgov demo: cannot start: cannot open the database at jdbc:nope:x: Failed to get driver instance for"
            + " jdbcUrl=jdbc:nope:x; check --jdbc-url (H2 and PostgreSQL drivers are in the jar)");
    assertThat(server.queryNames(new ObjectName("dev.memgov:*"), null)).isEmpty();
    assertThat(out()).doesNotContain("stopped cleanly").doesNotContain("listening");
  }

  @Test
  void theLoadStoppedLineSaysHowLongALoadForUnderASecondRan() throws Exception {
    // Given a run with --load-for 300ms
    TenantApp.Launch launch = launch(Map.of(), "--port", "0", "--rate", "50", "--keys", "100", "--spike", "0",
        "--l1-budget", "8m", "--load-for", "300ms", "--no-governor");
    TenantApp app = new TenantApp(launch.options(), Map.of(),
        new StatusLine(new PrintStream(out, true, StandardCharsets.UTF_8), false, () -> 80));
    try {
      // When it has run that long
      app.start();
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (!out().contains("load stopped") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      app.close();
    }
    // Then the line gives the time it was asked for, not "0 s"
    assertThat(out()).contains("memgov demo: load stopped after 300ms; idle from now on");
  }
}
