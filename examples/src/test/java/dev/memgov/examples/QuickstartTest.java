package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's quickstart against a real Caffeine cache, a real H2 pool and real loopback HTTP. */
class QuickstartTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private HikariDataSource dataSource;
  private Quickstart.Governed governed;

  @AfterEach
  void close() {
    if (governed != null) {
      governed.close();
    }
    if (dataSource != null) {
      dataSource.close();
    }
  }

  @Test
  void anExistingCacheAndPoolAreGovernedAndServedOverHttp() throws Exception {
    Cache<String, byte[]> sessions = Caffeine.newBuilder()
        .maximumWeight(8L << 20)
        .weigher((String k, byte[] v) -> v.length)
        .build();
    for (int i = 0; i < 1000; i++) {
      sessions.put("s" + i, new byte[4096]);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:quickstart");
    config.setPoolName("orders-db");
    config.setMaximumPoolSize(6);
    config.setMinimumIdle(4);
    dataSource = new HikariDataSource(config);

    governed = Quickstart.govern(sessions, dataSource, 0, Map.of());
    int port = governed.api().port();

    HttpResponse<String> status = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/memory")).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(status.statusCode()).isEqualTo(200);
    JsonNode json = new ObjectMapper().readTree(status.body());
    assertThat(json.get("governor").asText()).isEqualTo("orders");
    List<String> names = new ArrayList<>();
    json.get("governables").forEach(g -> names.add(g.get("name").asText()));
    assertThat(names).contains("sessions", "hikari:orders-db");

    HttpResponse<String> optimize = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/memory/optimize")).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"level\":\"standard\",\"force\":true}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(optimize.statusCode()).as(optimize.body()).isEqualTo(200);
    // the adopted cache's bound was cut: Caffeine itself now holds at most half
    assertThat(sessions.policy().eviction().orElseThrow().getMaximum()).isLessThanOrEqualTo(4L << 20);
    assertThat(dataSource.getMaximumPoolSize()).isLessThanOrEqualTo(3);
  }
}
