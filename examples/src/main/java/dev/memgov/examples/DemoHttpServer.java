package dev.memgov.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The demo's one HTTP port on 127.0.0.1: {@code /metrics} is the Prometheus scrape, every other
 * path goes to the memgov API (the http module's transport-neutral handler, adapted here), or —
 * with {@code --no-governor} — answers 503 for {@code /api/*}. {@code MemoryApiServer} owns its
 * {@code HttpServer} and routes all of {@code /}, so the demo binds the handler itself to share the
 * port with {@code /metrics}. This class is thread-safe.
 */
final class DemoHttpServer implements AutoCloseable {

  /** One API call in, one reply out; never throws. */
  interface Api {
    Reply handle(String method, String path, String rawQuery, Map<String, String> headers, byte[] body);

    /** The largest body the API accepts, bytes. */
    int maxBodyBytes();
  }

  /** A reply: status, headers, body. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    static Reply json(int status, String json) {
      return new Reply(status, Map.of("Content-Type", "application/json; charset=utf-8"),
          json.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final int requestedPort;
  private final Api api;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;
  private ExecutorService executor;

  /**
   * @param api the memgov API, or null when the governor is off
   */
  DemoHttpServer(int port, Api api, PrometheusMeterRegistry registry) {
    this.requestedPort = port;
    this.api = api;
    this.registry = registry;
  }

  /**
   * Binds 127.0.0.1 and starts serving.
   *
   * @throws UncheckedIOException when the port cannot be bound, saying how to pick another
   */
  synchronized void start() {
    HttpServer s;
    try {
      s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("memgov demo: cannot listen on 127.0.0.1:" + requestedPort + ": " + e.getMessage()
          + "; pick another with --port N (--port 0 takes any free port)", e);
    }
    executor = Executors.newFixedThreadPool(2, Workload.threads("demo-http"));
    s.setExecutor(executor);
    // HttpServer matches contexts by prefix: each handler checks its path exactly
    s.createContext("/metrics", this::metrics);
    s.createContext("/", this::api);
    s.start();
    server = s;
  }

  synchronized int port() {
    return server.getAddress().getPort();
  }

  private void metrics(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestURI().getPath().equals("/metrics")) {
        send(ex, notFound(ex.getRequestURI().getPath()));
        return;
      }
      if (!ex.getRequestMethod().equalsIgnoreCase("GET")) {
        send(ex, Reply.json(405, "{\"error\":\"method_not_allowed\",\"message\":\"/metrics answers GET, but was "
            + ex.getRequestMethod() + "\",\"accepted\":[\"GET\"]}"));
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      send(ex, new Reply(200, Map.of("Content-Type", PROMETHEUS_TEXT), body));
    }
  }

  private void api(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (api == null) {
        send(ex, path.startsWith("/api/")
            ? Reply.json(503, "{\"error\":\"governor_off\",\"message\":\"memgov is off in this run (--no-governor);"
                + " restart without --no-governor to use the API\",\"accepted\":[\"GET /metrics\"]}")
            : notFound(path));
        return;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> {
        if (!v.isEmpty()) {
          headers.put(k, v.get(0));
        }
      });
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(api.maxBodyBytes() + 1);
      }
      if (body.length > api.maxBodyBytes()) {
        send(ex, Reply.json(413, "{\"error\":\"body_too_large\",\"message\":\"the body must be at most "
            + api.maxBodyBytes() + " bytes\",\"accepted\":[]}"));
        return;
      }
      send(ex, api.handle(ex.getRequestMethod().toUpperCase(Locale.ROOT), path, ex.getRequestURI().getRawQuery(),
          headers, body));
    }
  }

  private static Reply notFound(String path) {
    return Reply.json(404, "{\"error\":\"not_found\",\"message\":\"no such path: " + jsonText(path)
        + "\",\"accepted\":[\"GET /metrics\",\"GET /api/memory\",\"POST /api/memory/optimize\","
        + "\"DELETE /api/memory/cache\",\"GET /api/memory/history\",\"GET /api/health\",\"GET /api/simple-health\"]}");
  }

  /** {@code text} made safe inside a JSON string: quotes, backslashes and control characters dropped. */
  static String jsonText(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length() && b.length() < 200; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f) {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static void send(HttpExchange ex, Reply r) throws IOException {
    r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    boolean head = ex.getRequestMethod().equalsIgnoreCase("HEAD");
    ex.sendResponseHeaders(r.status(), r.body().length == 0 || head ? -1 : r.body().length);
    if (r.body().length > 0 && !head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    }
  }

  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    server = null;
  }
}
