package dev.memgov.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memgov.core.MemoryGovernor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ways an application mounts the servlet in its own server (embedded Jetty 12, ee10). */
class MemoryApiServletTest {

  private MemoryGovernor governor;
  private Server jetty;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void startGovernor() {
    governor = MemoryGovernor.builder().name("servlet-test").sensor(new ScriptedSensor(0.5))
        .governable(new TestGovernable("buffers")).jmxEnabled(false).jvmGovernable(false).build();
    governor.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
    governor.close();
  }

  private int start(String contextPath, ServletHolder holder, String mapping, Object governorAttribute) throws Exception {
    jetty = new Server();
    ServerConnector c = new ServerConnector(jetty);
    c.setHost("127.0.0.1");
    c.setPort(0);
    jetty.addConnector(c);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.setContextPath(contextPath);
    if (governorAttribute != null) {
      ctx.setAttribute(MemoryApiServlet.GOVERNOR_ATTRIBUTE, governorAttribute);
    }
    ctx.addServlet(holder, mapping);
    jetty.setHandler(ctx);
    jetty.start();
    return c.getLocalPort();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readsTheGovernorFromAContextAttributeAndServesUnderAContextPath() throws Exception {
    int port = start("/app", new ServletHolder(new MemoryApiServlet()), "/*", governor);

    HttpResponse<String> r = get(port, "/app/api/memory");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(ApiFixture.json(r).path("governor").asText()).isEqualTo("servlet-test");
    assertThat(get(port, "/api/memory").statusCode()).isEqualTo(404); // outside the context
    assertThat(ApiFixture.json(get(port, "/app/api/nothing")).path("error").asText()).isEqualTo("not_found");
  }

  @Test
  void withoutAGovernorTheServletFailsAtStartupSayingWhatToSet() {
    ServletHolder holder = new ServletHolder(new MemoryApiServlet());

    assertThatThrownBy(() -> start("/", holder, "/api/*", "not a governor"))
        .hasMessage("memgov http: servlet context attribute 'dev.memgov.core.MemoryGovernor' must hold a MemoryGovernor, "
            + "but was java.lang.String; set it, or construct MemoryApiServlet(governor)");
  }

  @Test
  void aReadyHandlerCarriesItsTokenIntoTheServlet() throws Exception {
    MemoryApiHandler handler = MemoryApiHandler.builder(governor).token(ApiFixture.TOKEN).protectReads(true).build();
    int port = start("/", new ServletHolder(new MemoryApiServlet(handler)), "/api/*", null);

    assertThat(get(port, "/api/memory").statusCode()).isEqualTo(401);
    HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/memory")).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + ApiFixture.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
  }

  @Test
  void protectReadsMustBeTrueOrFalseAndATypoFailsInitNamingTheValue() {
    ServletHolder holder = new ServletHolder(new MemoryApiServlet(governor));
    holder.setInitParameter(MemoryApiServlet.TOKEN_PARAM, ApiFixture.TOKEN);
    holder.setInitParameter(MemoryApiServlet.PROTECT_READS_PARAM, "ture");

    assertThatThrownBy(() -> start("/", holder, "/api/*", null))
        .hasMessage("memgov http: init parameter 'memgov.http.protect-reads' must be true or false (any case), "
            + "but was 'ture'");
  }

  @Test
  void protectReadsAcceptsTrueAndFalseInAnyCase() throws Exception {
    ServletHolder holder = new ServletHolder(new MemoryApiServlet(governor));
    holder.setInitParameter(MemoryApiServlet.TOKEN_PARAM, ApiFixture.TOKEN);
    holder.setInitParameter(MemoryApiServlet.PROTECT_READS_PARAM, " TRUE ");
    int port = start("/", holder, "/api/*", null);
    assertThat(get(port, "/api/memory").statusCode()).isEqualTo(401);
    jetty.stop();

    ServletHolder open = new ServletHolder(new MemoryApiServlet(governor));
    open.setInitParameter(MemoryApiServlet.TOKEN_PARAM, ApiFixture.TOKEN);
    open.setInitParameter(MemoryApiServlet.PROTECT_READS_PARAM, "False");
    port = start("/", open, "/api/*", null);
    assertThat(get(port, "/api/memory").statusCode()).isEqualTo(200);
  }

  @Test
  void withoutATokenInitWarnsOnceThatOnlyLoopbackHostNamesAreAnswered() throws Exception {
    String warning = "WARN dev.memgov.http.MemoryApiServlet - memgov http: no token configured: /api/memory, its "
        + "history, POST /api/memory/optimize and DELETE /api/memory/cache answer only calls whose Host header names a "
        + "loopback host (localhost, 127.0.0.1, [::1]); that keeps web pages out (DNS rebinding), not anyone who can "
        + "reach this application and sends such a header. Set the init parameter (or context attribute) "
        + "'memgov.http.token'";

    String withoutToken = stderrDuring(() -> {
      int port = start("/", new ServletHolder(new MemoryApiServlet(governor)), "/api/*", null);
      get(port, "/api/memory"); // a call does not warn again
      jetty.stop();
    });
    assertThat(withoutToken.split(java.util.regex.Pattern.quote(warning), -1)).as(withoutToken).hasSize(2);

    String withToken = stderrDuring(() -> {
      ServletHolder holder = new ServletHolder(new MemoryApiServlet(governor));
      holder.setInitParameter(MemoryApiServlet.TOKEN_PARAM, ApiFixture.TOKEN);
      start("/", holder, "/api/*", null);
    });
    assertThat(withToken).doesNotContain("no token configured");
  }

  @Test
  void aReadyHandlerThatAllowsAnyHostAnswersTheApplicationsOwnNamesAndWarnsThatChangesAreOpen() throws Exception {
    MemoryApiHandler handler = MemoryApiHandler.builder(governor).allowAnyHostWithoutToken(true).build();
    String log = stderrDuring(() -> {
      int port = start("/", new ServletHolder(new MemoryApiServlet(handler)), "/api/*", null);
      URI base = URI.create("http://127.0.0.1:" + port);
      ApiFixture.Raw r = ApiFixture.raw(base, "GET", "/api/memory", "orders.internal.example", java.util.Map.of(), null);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      ApiFixture.Raw optimize = ApiFixture.raw(base, "POST", "/api/memory/optimize", "orders.internal.example",
          java.util.Map.of("Content-Type", "application/json"), "{\"level\":\"light\"}");
      assertThat(optimize.status()).as(optimize.body()).isEqualTo(200);
    });
    assertThat(log).contains("memgov http: no token configured: the changing calls POST /api/memory/optimize and "
        + "DELETE /api/memory/cache are open to anyone who can reach this application");
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static String stderrDuring(ThrowingRunnable action) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
