package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.MemoryGovernor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** governor-http's handler on the demo's port, with a real governor and a bearer token (--token). */
class MemoryApiTest {

  private static final String TOKEN = "0123456789abcdef0123";

  private final HttpClient client = HttpClient.newHttpClient();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private MemoryGovernor governor;
  private DemoHttpServer server;

  @BeforeEach
  void start() {
    governor = MemoryGovernor.builder().name("api-test").jmxEnabled(false).build();
    governor.start();
    server = new DemoHttpServer(0, MemoryApi.over(governor, TOKEN), registry);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    governor.close();
    registry.close();
  }

  private HttpResponse<String> optimize(String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/memory/optimize")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"level\":\"light\",\"force\":true}"));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void changingCallsNeedTheTokenAndReadsDoNot() throws Exception {
    HttpResponse<String> without = optimize(null);
    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(without.body()).contains("\"error\" : \"unauthorized\"");
    assertThat(governor.status().recentCleanups()).isEmpty();

    assertThat(optimize("Bearer wrong-token-0000000000").statusCode()).isEqualTo(403);
    assertThat(governor.status().recentCleanups()).isEmpty();

    HttpResponse<String> with = optimize("Bearer " + TOKEN);
    assertThat(with.statusCode()).as(with.body()).isEqualTo(200);
    assertThat(governor.status().recentCleanups()).hasSize(1);

    HttpResponse<String> status = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/api/memory")).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body()).contains("\"governor\" : \"api-test\"");
  }

  @Test
  void theApiAndMetricsShareThePortAndUnknownPathsAreTheApisAnswer() throws Exception {
    HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/metrics")).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    HttpResponse<String> unknown = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/api/memory/nope")).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("/api/memory/optimize");
  }
}
