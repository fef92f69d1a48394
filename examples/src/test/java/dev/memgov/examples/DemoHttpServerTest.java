package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo's one port over real loopback HTTP: {@code /metrics} exactly, and the API's fallback. */
class DemoHttpServerTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HttpClient client = HttpClient.newHttpClient();
  private DemoHttpServer server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
    registry.close();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsIsThePrometheusScrapeOnTheSamePort() throws Exception {
    registry.counter("demo.test.hits").increment(3);
    server = new DemoHttpServer(0, null, registry);
    server.start();
    assertThat(server.port()).isPositive();

    HttpResponse<String> r = send("GET", "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body()).contains("# TYPE demo_test_hits_total counter").contains("demo_test_hits_total 3.0");
  }

  @Test
  void metricsIsRoutedExactlyAndAnswersGetOnly() throws Exception {
    server = new DemoHttpServer(0, null, registry);
    server.start();
    HttpResponse<String> sub = send("GET", "/metrics/extra");
    assertThat(sub.statusCode()).isEqualTo(404);
    assertThat(sub.body()).contains("\"error\":\"not_found\"").contains("no such path: /metrics/extra");
    HttpResponse<String> post = send("POST", "/metrics");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.body()).contains("/metrics answers GET, but was POST");
  }

  @Test
  void withoutTheGovernorTheApiAnswers503AndSaysWhy() throws Exception {
    server = new DemoHttpServer(0, null, registry);
    server.start();
    HttpResponse<String> r = send("GET", "/api/memory");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    assertThat(r.body()).contains("\"error\":\"governor_off\"").contains("--no-governor");
    HttpResponse<String> unknown = send("GET", "/nothing%22here%5C");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(unknown.body()).get("message").asText())
        .isEqualTo("no such path: /nothinghere");
  }

  @Test
  void aTakenPortIsAClearError() {
    server = new DemoHttpServer(0, null, registry);
    server.start();
    DemoHttpServer second = new DemoHttpServer(server.port(), null, registry);
    assertThatThrownBy(second::start)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("memgov demo: cannot listen on 127.0.0.1:" + server.port())
        .hasMessageEndingWith("; pick another with --port N (--port 0 takes any free port)");
  }
}
