package dev.memgov.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.MemoryGovernor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the handler tells a governor that is not running from one whose call failed otherwise. */
class HandlerFailureTest {

  private static MemoryApiHandler.Request optimize() {
    return new MemoryApiHandler.Request("POST", "/api/memory/optimize", null,
        Map.of("Host", "127.0.0.1", "Content-Type", "application/json"),
        "{\"level\":\"light\",\"force\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aRunningGovernorWhoseCallFailedIsAnInternalErrorNotNotRunning() {
    try (MemoryGovernor real = MemoryGovernor.builder().sensor(new ScriptedSensor(0.2)).build()) {
      real.start();
      // a fault at the boundary: the running governor's optimize fails as an interrupted wait does
      MemoryGovernor governor = (MemoryGovernor) java.lang.reflect.Proxy.newProxyInstance(
          MemoryGovernor.class.getClassLoader(), new Class<?>[] {MemoryGovernor.class}, (proxy, m, args) -> {
            if (m.getName().equals("optimize")) {
              throw new IllegalStateException("memgov 'x': interrupted while waiting for the governor thread");
            }
            try {
              return m.invoke(real, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          });
      MemoryApiHandler h = MemoryApiHandler.builder(governor).build();

      MemoryApiHandler.Response r = h.handle(optimize());

      assertThat(r.status()).as(r.bodyText()).isEqualTo(500);
      assertThat(r.bodyText()).contains("\"internal_error\"")
          .contains("IllegalStateException: interrupted while waiting for the governor thread");
    }
  }

  @Test
  void aGovernorNotStartedIsNotRunningAndSaysWhatIsAccepted() {
    try (MemoryGovernor governor = MemoryGovernor.builder().sensor(new ScriptedSensor(0.2)).build()) {
      MemoryApiHandler h = MemoryApiHandler.builder(governor).build();
      MemoryApiHandler.Response r = h.handle(optimize());
      assertThat(r.status()).as(r.bodyText()).isEqualTo(503);
      assertThat(r.bodyText()).contains("\"governor_not_running\"")
          .contains("the governor is not running (not started, or closed), so nothing was done")
          .contains("a started governor");
      assertThat(governor.status().recentCleanups()).isEmpty();
    }
  }
}
