package dev.memgov.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.PressureLevel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs one call of each kind against a governor on this JVM's real sensor, checks its status, and
 * writes request and response to {@code target/api-examples.md}; {@code docs/api.md} quotes it.
 */
class ApiExamplesTest {

  private final StringBuilder out = new StringBuilder();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private URI base;

  @Test
  void everyEndpointAnswersAsDocumented() throws Exception {
    TestCache sessions = new TestCache("sessions");
    for (int i = 0; i < 3; i++) {
      sessions.put("user-" + i, 2048);
    }
    try (MemoryGovernor governor = MemoryGovernor.builder().name("orders")
            .governable(new TestGovernable("buffers")).governable(sessions).jmxEnabled(false).build()) {
      governor.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> governor.status().snapshot() != null);
      try (MemoryApiServer server = MemoryApiServer.builder(governor).port(0).token(ApiFixture.TOKEN).build()) {
        server.start();
        base = URI.create("http://127.0.0.1:" + server.port());
        String auth = "Bearer " + ApiFixture.TOKEN;
        Map<String, String> json = Map.of("Content-Type", "application/json", "Authorization", auth);

        call("GET", "/api/memory", Map.of(), null, 200);
        call("POST", "/api/memory/optimize", json, "{\"level\":\"standard\",\"force\":false}", 200);
        call("DELETE", "/api/memory/cache?target=sessions", Map.of("Authorization", auth), null, 200);
        call("GET", "/api/memory/history?since=" + (System.currentTimeMillis() - 2500), Map.of(), null, 200);
        call("GET", "/api/health", Map.of(), null, 200);
        call("GET", "/api/simple-health", Map.of(), null, 200);
        // errors
        call("POST", "/api/memory/optimize", json, "{\"level\":\"standard\"}", 429);
        call("POST", "/api/memory/optimize", json, "{\"level\":\"huge\"}", 400);
        call("POST", "/api/memory/optimize", Map.of("Content-Type", "application/json"), "{\"level\":\"light\"}", 401);
        call("DELETE", "/api/memory/cache?target=users", Map.of("Authorization", auth), null, 404);
        call("GET", "/api/memory/optimize", Map.of(), null, 405);
        call("GET", "/api/memory/dashboard", Map.of(), null, 200);
      }
    }
    // EMERGENCY, with a sensor scripted at 95 % of the heap (the rest is real)
    try (MemoryGovernor governor = MemoryGovernor.builder().name("orders")
            .sensor(new ScriptedSensor(0.95)).jvmGovernable(false).jmxEnabled(false).build()) {
      governor.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> governor.status().level() == PressureLevel.EMERGENCY);
      try (MemoryApiServer server = MemoryApiServer.builder(governor).port(0).build()) {
        server.start();
        base = URI.create("http://127.0.0.1:" + server.port());
        call("GET", "/api/health", Map.of(), null, 503);
        call("GET", "/api/simple-health", Map.of(), null, 503);
      }
    }
    Path file = Path.of("target", "api-examples.md");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
  }

  private void call(String method, String path, Map<String, String> headers, String body, int expected) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expected);

    out.append("### ").append(method).append(' ').append(path).append(" -> ").append(r.statusCode()).append("\n\n```http\n");
    out.append(method).append(' ').append(path).append(" HTTP/1.1\n");
    headers.forEach((k, v) -> out.append(k).append(": ")
        .append(k.equals("Authorization") ? "Bearer $MEMGOV_TOKEN" : v).append('\n'));
    if (body != null) {
      out.append('\n').append(body).append('\n');
    }
    out.append("```\n\n```http\nHTTP/1.1 ").append(r.statusCode()).append('\n');
    for (String h : List.of("Content-Type", "Allow", "Retry-After", "WWW-Authenticate", "Content-Security-Policy")) {
      r.headers().firstValue(h).ifPresent(v -> out.append(h).append(": ").append(v).append('\n'));
    }
    String text = r.body();
    if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
      text = String.join("\n", text.lines().limit(6).toList()) + "\n... (" + text.length() + " characters)";
    }
    out.append('\n').append(text).append("\n```\n\n");
  }
}
