package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
}
