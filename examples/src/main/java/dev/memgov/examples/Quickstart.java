package dev.memgov.examples;

import com.github.benmanes.caffeine.cache.Cache;
import com.zaxxer.hikari.HikariDataSource;
import dev.memgov.cache.CaffeineGovernable;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.http.MemoryApiServer;
import dev.memgov.jdbc.HikariGovernable;
import java.util.Map;

/**
 * The README's quickstart, compiled and tested ({@code QuickstartTest}): memgov added to an app
 * that already has a Caffeine cache and a HikariCP pool. Not thread-safe; call it once at start-up.
 */
public final class Quickstart {

  private Quickstart() {}

  /**
   * Governs {@code sessions} and {@code dataSource} and serves {@code /api/memory} on
   * 127.0.0.1:{@code port} (0 picks a free one). Closing the result stops the API, then the governor.
   *
   * @param env the environment, for {@code MEMGOV_*} policy settings
   */
  public static Governed govern(Cache<String, byte[]> sessions, HikariDataSource dataSource, int port,
      Map<String, String> env) {
    // --- README quickstart: begin
    MemoryGovernor governor = MemoryGovernor.builder()
        .name("orders")
        .policy(GovernorPolicy.fromEnvironment(env))              // MEMGOV_* variables, else defaults
        .governable(CaffeineGovernable.adopt("sessions", sessions)) // your existing Caffeine cache
        .governable(HikariGovernable.adopt(dataSource))           // your existing HikariDataSource
        .build();
    governor.start();                                             // samples every second and on every GC

    MemoryApiServer api = MemoryApiServer.builder(governor).port(port).build();  // 127.0.0.1 only
    api.start();                                                  // GET /api/memory, POST /api/memory/optimize, ...
    // --- README quickstart: end
    return new Governed(governor, api);
  }

  /**
   * The running governor and its API. This record is immutable; close it once, from one thread.
   *
   * @param governor the governor
   * @param api the HTTP API; {@code api.port()} is the bound port
   */
  public record Governed(MemoryGovernor governor, MemoryApiServer api) implements AutoCloseable {
    @Override
    public void close() {
      api.close();
      governor.close();
    }
  }
}
