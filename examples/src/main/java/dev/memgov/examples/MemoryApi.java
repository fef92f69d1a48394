package dev.memgov.examples;

import dev.memgov.core.MemoryGovernor;
import dev.memgov.http.MemoryApiHandler;
import java.util.Map;

/**
 * The http module's transport-neutral {@link MemoryApiHandler}, adapted to the demo's own port so
 * that {@code /api/*} and {@code /metrics} share one {@code HttpServer}. Stateless and thread-safe.
 */
final class MemoryApi {

  private MemoryApi() {}

  /** The memgov API over {@code governor}; changing calls need {@code token} when it is not null. */
  static DemoHttpServer.Api over(MemoryGovernor governor, String token) {
    MemoryApiHandler.Builder b = MemoryApiHandler.builder(governor);
    if (token != null) {
      b.token(token);
    }
    MemoryApiHandler handler = b.build();
    return new DemoHttpServer.Api() {
      @Override
      public DemoHttpServer.Reply handle(String method, String path, String rawQuery, Map<String, String> headers,
          byte[] body) {
        MemoryApiHandler.Response r = handler.handle(new MemoryApiHandler.Request(method, path, rawQuery, headers, body));
        return new DemoHttpServer.Reply(r.status(), r.headers(), r.body());
      }

      @Override
      public int maxBodyBytes() {
        return handler.maxBodyBytes();
      }
    };
  }
}
