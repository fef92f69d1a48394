package dev.memgov.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memgov.core.MemoryGovernor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The standalone server's own rules: where it binds, its settings, its life cycle. */
class MemoryApiServerTest {

  private MemoryGovernor governor;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void buildGovernor() {
    governor = MemoryGovernor.builder().name("server-test").sensor(new ScriptedSensor(0.5))
        .governable(new TestGovernable("buffers")).jmxEnabled(false).jvmGovernable(false).build();
  }

  @AfterEach
  void closeGovernor() {
    governor.close();
  }

  @Test
  void refusesANonLoopbackAddressWithoutAToken() {
    assertThatThrownBy(() -> MemoryApiServer.builder(governor).bindAddress("0.0.0.0").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("memgov http: refusing to bind 0.0.0.0 (not loopback) without a token; set token(...) or "
            + "allowNonLoopbackWithoutToken(true), or bind 127.0.0.1");
    // with a token, or explicitly allowed, it builds (not started: tests bind loopback only)
    assertThat(MemoryApiServer.builder(governor).bindAddress("0.0.0.0").token(ApiFixture.TOKEN).build()).isNotNull();
    assertThat(MemoryApiServer.builder(governor).bindAddress("0.0.0.0").allowNonLoopbackWithoutToken(true).build()).isNotNull();
    assertThat(MemoryApiServer.builder(governor).bindAddress("localhost").build()).isNotNull();
    assertThat(MemoryApiServer.builder(governor).bindAddress("::1").build()).isNotNull();
  }

  @Test
  void settingsAreCheckedWhereTheyAreSet() {
    assertThatThrownBy(() -> MemoryApiServer.builder(governor).token("short"))
        .hasMessageStartingWith("memgov http: token must be at least 16 characters without whitespace, but was 5 characters");
    assertThatThrownBy(() -> MemoryApiServer.builder(governor).token("has whitespace inside it"))
        .hasMessageContaining("with whitespace");
    assertThatThrownBy(() -> MemoryApiServer.builder(governor).port(70000))
        .hasMessage("memgov http: port must be between 0 and 65535, but was 70000");
    assertThatThrownBy(() -> MemoryApiServer.builder(governor).threads(0))
        .hasMessage("memgov http: threads must be between 1 and 64, but was 0");
    assertThatThrownBy(() -> MemoryApiServer.builder(governor).maxBodyBytes(10))
        .hasMessage("memgov http: maxBodyBytes must be between 64 and 1048576, but was 10");
    assertThatThrownBy(() -> MemoryApiServer.builder(governor).bindAddress(" "))
        .hasMessage("memgov http: bindAddress must be an IP address or host name, but was blank");
    assertThatThrownBy(() -> MemoryApiServer.builder(governor).protectReads(true).build())
        .hasMessage("memgov http: protectReads needs a token, but none was set");
  }

  @Test
  void portZeroPicksAFreePortAndCloseReleasesIt() throws Exception {
    MemoryApiServer server = MemoryApiServer.builder(governor).port(0).build();
    assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class).hasMessageContaining("call start() first");
    server.start();
    server.start(); // idempotent
    int port = server.port();
    assertThat(port).isPositive();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/simple-health")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);

    server.close();
    server.close(); // idempotent
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      assertThat(s.isBound()).isTrue();
    }
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void aPortInUseIsReportedWithTheFix() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      MemoryApiServer server = MemoryApiServer.builder(governor).port(taken.getLocalPort()).build();
      assertThatThrownBy(server::start)
          .hasMessageStartingWith("memgov http: cannot bind 127.0.0.1:" + taken.getLocalPort())
          .hasMessageEndingWith("choose another port (0 picks a free one)");
    }
  }

  @Test
  void aSmallerBodyLimitIsEnforced() throws Exception {
    governor.start();
    try (MemoryApiServer server = MemoryApiServer.builder(governor).port(0).maxBodyBytes(64).build()) {
      server.start();
      String body = "{\"level\":\"light\",\"force\":true,\"pad\":\"" + "x".repeat(60) + "\"}";
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/memory/optimize")).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(ApiFixture.json(r).path("message").asText()).isEqualTo("memgov http: the body must be at most 64 bytes, but was "
          + body.length() + " bytes");
      assertThat(governor.status().recentCleanups()).isEmpty();
    }
  }

  @Test
  void optimizeOnAGovernorThatIsNotRunningIs503() throws Exception {
    try (MemoryApiServer server = MemoryApiServer.builder(governor).port(0).build()) {
      server.start();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/memory/optimize")).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"level\":\"light\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(ApiFixture.json(r).path("error").asText()).isEqualTo("governor_not_running");
      assertThat(ApiFixture.json(r).path("message").asText()).endsWith("start the governor first");
    }
  }

  @Test
  void clearingCachesOnAGovernorThatIsNotRunningIs503AndClearsNothing() throws Exception {
    TestCache cache = new TestCache("sessions");
    cache.put("a", 100);
    cache.put("b", 100);
    MemoryGovernor withCache = MemoryGovernor.builder().name("not-running").sensor(new ScriptedSensor(0.5))
        .governable(cache).jmxEnabled(false).jvmGovernable(false).build();
    try (MemoryApiServer server = MemoryApiServer.builder(withCache).port(0).build()) {
      server.start();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/memory/cache?target=all");
      // not started yet
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(ApiFixture.json(r).path("error").asText()).isEqualTo("governor_not_running");
      assertThat(ApiFixture.json(r).path("message").asText()).endsWith("start the governor first");
      assertThat(cache.l1Size()).isEqualTo(2);
      assertThat(cache.l2Size()).isEqualTo(2);
      // started, then closed
      withCache.start();
      withCache.close();
      r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(ApiFixture.json(r).path("error").asText()).isEqualTo("governor_not_running");
      assertThat(cache.contents()).isEqualTo(java.util.Map.of("l1", java.util.Set.of("a", "b"), "l2", java.util.Set.of("a", "b")));
    } finally {
      withCache.close();
    }
  }

  @Test
  void allowingNonLoopbackWithoutATokenButBindingLoopbackStillAnswersOnlyLoopbackHostNames() throws Exception {
    governor.start();
    try (MemoryApiServer server = MemoryApiServer.builder(governor).port(0).allowNonLoopbackWithoutToken(true).build()) {
      server.start();
      URI base = URI.create("http://127.0.0.1:" + server.port());
      ApiFixture.Raw r = ApiFixture.raw(base, "GET", "/api/memory", "rebind.attacker.example", java.util.Map.of(), null);
      assertThat(r.status()).as(r.body()).isEqualTo(403);
      assertThat(r.json().path("error").asText()).isEqualTo("host_not_allowed");
      assertThat(ApiFixture.raw(base, "GET", "/api/memory", "localhost", java.util.Map.of(), null).status()).isEqualTo(200);
    }
    // bound to another address on purpose, any Host is answered (checked on the handler: tests bind loopback only)
    assertThat(MemoryApiServer.builder(governor).bindAddress("0.0.0.0").allowNonLoopbackWithoutToken(true).build()
        .handler().loopbackHostOnly()).isFalse();
    assertThat(MemoryApiServer.builder(governor).build().handler().loopbackHostOnly()).isTrue();
    assertThat(MemoryApiServer.builder(governor).token(ApiFixture.TOKEN).build().handler().loopbackHostOnly()).isFalse();
  }
}
