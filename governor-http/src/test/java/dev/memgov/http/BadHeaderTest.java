package dev.memgov.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.MemoryGovernor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A {@code Content-Length} that is not a number, as a binding that passes the header through
 * hands it to the handler (the JDK server and Jetty answer it themselves: {@link AbstractApiTest}).
 */
class BadHeaderTest {

  @Test
  void aContentLengthThatIsNotANumberIsBadHeaderAndRunsNothing() throws Exception {
    try (MemoryGovernor governor = MemoryGovernor.builder().sensor(new ScriptedSensor(0.2)).build()) {
      MemoryApiHandler h = MemoryApiHandler.builder(governor).build();
      MemoryApiHandler.Response r = h.handle(new MemoryApiHandler.Request("POST", "/api/memory/optimize",
          "level=emergency", Map.of("Host", "127.0.0.1", "Content-Length", "12abc"), null));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.bodyText()).contains("\"bad_header\"")
          .contains("Content-Length must be a whole number, but was '12abc'");
      assertThat(governor.status().recentCleanups()).isEmpty();
    }
  }
}
