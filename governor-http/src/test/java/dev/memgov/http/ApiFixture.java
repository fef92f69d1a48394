package dev.memgov.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real governor (scripted sensor, one {@link TestGovernable}, one {@link TestCache}) served over
 * real HTTP on 127.0.0.1 by one binding, and a client for it. Closing stops everything.
 */
final class ApiFixture implements AutoCloseable {

  /** Which binding serves the API. */
  enum Binding {
    STANDALONE,
    SERVLET
  }

  static final String TOKEN = "test-token-0123456789abcdef";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration COOLDOWN = Duration.ofHours(1);

  final ScriptedSensor sensor = new ScriptedSensor(0.5);
  final TestGovernable pool = new TestGovernable("buffers");
  final TestCache cache = new TestCache("sessions");
  final MemoryGovernor governor;
  final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private MemoryApiServer standalone;
  private Server jetty;
  final URI base;

  private ApiFixture(Binding binding, String token, boolean protectReads) throws Exception {
    for (int i = 0; i < 5; i++) {
      cache.put("user-" + i, 1000);
    }
    GovernorPolicy.Builder policy = GovernorPolicy.builder().tickInterval(Duration.ofMillis(50));
    for (CleanupLevel l : CleanupLevel.values()) {
      policy.cooldown(l, COOLDOWN);
    }
    governor = MemoryGovernor.builder()
        .name("http-test")
        .policy(policy.build())
        .sensor(sensor)
        .governable(pool)
        .governable(cache)
        .jmxEnabled(false)
        .jvmGovernable(false)
        .build();
    governor.start();
    int port;
    if (binding == Binding.STANDALONE) {
      standalone = MemoryApiServer.builder(governor).port(0).token(token).protectReads(protectReads).build();
      standalone.start();
      port = standalone.port();
    } else {
      jetty = new Server();
      ServerConnector connector = new ServerConnector(jetty);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      jetty.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      ServletHolder holder = new ServletHolder(new MemoryApiServlet(governor));
      if (token != null) {
        holder.setInitParameter(MemoryApiServlet.TOKEN_PARAM, token);
      }
      holder.setInitParameter(MemoryApiServlet.PROTECT_READS_PARAM, Boolean.toString(protectReads));
      context.addServlet(holder, "/api/*");
      jetty.setHandler(context);
      jetty.start();
      port = connector.getLocalPort();
    }
    base = URI.create("http://127.0.0.1:" + port);
  }

  static ApiFixture start(Binding binding) throws Exception {
    return new ApiFixture(binding, null, false);
  }

  static ApiFixture start(Binding binding, String token, boolean protectReads) throws Exception {
    return new ApiFixture(binding, token, protectReads);
  }

  HttpResponse<String> send(String method, String pathAndQuery, Map<String, String> headers, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String pathAndQuery) {
    return send("GET", pathAndQuery, Map.of(), null);
  }

  HttpResponse<String> optimize(String json, Map<String, String> headers) {
    Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.putIfAbsent("Content-Type", "application/json");
    return send("POST", "/api/memory/optimize", h, json);
  }

  /** A response read off a raw socket: status, header block, body. */
  record Raw(int status, String head, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }
  }

  /**
   * One call over a raw socket, so that the {@code Host} header can be anything ({@code
   * java.net.http.HttpClient} sets it from the URI): HTTP/1.1 with {@code host} as the Host
   * header, or HTTP/1.0 without one when {@code host} is null.
   */
  Raw raw(String method, String pathAndQuery, String host, Map<String, String> headers, String body) {
    return raw(base, method, pathAndQuery, host, headers, body);
  }

  /** {@link #raw(String, String, String, Map, String)} against the server at {@code base}. */
  static Raw raw(URI base, String method, String pathAndQuery, String host, Map<String, String> headers, String body) {
    StringBuilder req = new StringBuilder(method).append(' ').append(pathAndQuery)
        .append(host == null ? " HTTP/1.0\r\n" : " HTTP/1.1\r\nHost: " + host + "\r\n");
    headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    byte[] bytes = body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (body != null) {
      req.append("Content-Length: ").append(bytes.length).append("\r\n");
    }
    req.append("Connection: close\r\n\r\n");
    try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(req.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(bytes);
      s.getOutputStream().flush();
      String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int split = answer.indexOf("\r\n\r\n");
      if (!answer.startsWith("HTTP/1.") || split < 0) {
        throw new AssertionError("not an HTTP response: " + answer);
      }
      return new Raw(Integer.parseInt(answer.substring(9, 12)), answer.substring(0, split), answer.substring(split + 4));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (status " + r.statusCode() + "): " + r.body(), e);
    }
  }

  /** What a rejected call must leave unchanged. */
  record State(int reclaims, long lastCleanupId, int cleanups, Map<String, Object> cacheContents, long footprint) {}

  State state() {
    List<CleanupReport> cleanups = governor.status().recentCleanups();
    long last = cleanups.isEmpty() ? -1 : cleanups.get(cleanups.size() - 1).id();
    return new State(pool.reclaims(), last, cleanups.size(), cache.contents(), pool.footprintBytes());
  }

  @Override
  public void close() {
    try {
      if (standalone != null) {
        standalone.close();
      }
      if (jetty != null) {
        jetty.stop();
      }
    } catch (Exception e) {
      throw new IllegalStateException("stopping the test server failed", e);
    } finally {
      governor.close();
    }
  }
}
