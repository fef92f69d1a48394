package dev.memgov.http;

import static dev.memgov.http.ApiFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.Trigger;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint, the bad-input table, auth and concurrency, over real HTTP on 127.0.0.1 against a
 * real governor. Each binding runs all of it through a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractApiTest {

  abstract ApiFixture.Binding binding();

  private ApiFixture table;

  @BeforeAll
  void startTableFixture() throws Exception {
    table = ApiFixture.start(binding());
    // puts LIGHT inside its cooldown for the 429 cases
    table.governor.optimize(CleanupLevel.LIGHT, true, Trigger.API);
  }

  @AfterAll
  void stopTableFixture() {
    table.close();
  }

  Stream<BadInputCases.Case> cases() {
    return BadInputCases.all().stream();
  }

  @Test
  void theTableHoldsAtLeastFortyCases() {
    assertThat(BadInputCases.all()).hasSizeGreaterThanOrEqualTo(40);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aRejectedCallSaysWhyAndChangesNothing(BadInputCases.Case c) {
    ApiFixture.State before = table.state();

    HttpResponse<String> r = table.send(c.method(), c.path(), c.headers(), c.body());

    assertThat(r.statusCode()).as("status of %s: %s", c, r.body()).isEqualTo(c.status());
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode body = json(r);
    assertThat(body.path("error").asText()).as(r.body()).isEqualTo(c.error());
    assertThat(body.path("message").asText()).startsWith("memgov http: ").hasSizeGreaterThan(25);
    assertThat(body.path("accepted").isArray()).as(r.body()).isTrue();
    if (!body.path("message").asText().endsWith("accepted: none")) { // an endpoint without parameters
      assertThat(body.path("accepted")).as("every rejection says what is accepted: %s", r.body()).isNotEmpty();
    }
    if (c.accepted() != null) {
      List<String> accepted = new ArrayList<>();
      body.path("accepted").forEach(a -> accepted.add(a.asText()));
      assertThat(accepted).as(r.body()).contains(c.accepted());
    }
    if (c.header() != null) {
      assertThat(r.headers().firstValue(c.header())).as(c.header()).isPresent();
      if (c.headerValue() != null) {
        assertThat(r.headers().firstValue(c.header())).hasValue(c.headerValue());
      }
    }
    if (c.status() == 429) {
      long seconds = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
      assertThat(seconds).isBetween(1L, ApiFixture.COOLDOWN.toSeconds());
      assertThat(body.path("retryAfterMillis").asLong()).isPositive();
    }
    assertThat(table.state()).as("state after %s", c).isEqualTo(before);
  }

  @Test
  void headIsAnsweredLikeGetWithoutABodyAndChangesNothing() {
    ApiFixture.State before = table.state();

    // a load balancer's health check
    HttpResponse<String> health = table.send("HEAD", "/api/simple-health", Map.of(), null);
    HttpResponse<String> healthGet = table.get("/api/simple-health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEmpty();
    assertThat(healthGet.body()).isEqualTo("ok");
    assertThat(health.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"))
        .isEqualTo(healthGet.headers().firstValue("Content-Type"));
    assertThat(health.headers().firstValue("Content-Length")).hasValue("2"); // the length of GET's "ok"

    HttpResponse<String> status = table.send("HEAD", "/api/memory", Map.of(), null);
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body()).isEmpty();
    assertThat(status.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(status.headers().firstValue("Content-Length")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());

    // HEAD where GET is refused gets what GET gets: here a 400 for an unknown parameter, without the body
    assertThat(table.send("HEAD", "/api/health?full", Map.of(), null).statusCode()).isEqualTo(400);

    // on a route that does not answer GET, HEAD is refused too
    for (String[] route : new String[][] {{"/api/memory/optimize", "POST"}, {"/api/memory/cache?target=all", "DELETE"}}) {
      HttpResponse<String> refused = table.send("HEAD", route[0], Map.of(), null);
      assertThat(refused.statusCode()).as(route[0]).isEqualTo(405);
      assertThat(refused.headers().firstValue("Allow")).as(route[0]).hasValue(route[1]);
      assertThat(refused.body()).isEmpty();
    }
    assertThat(table.state()).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0} bytes")
  @org.junit.jupiter.params.provider.ValueSource(ints = {100_000, 2_000_000})
  void aBodyFarOverTheLimitStillGetsItsJson413(int size) {
    ApiFixture.State before = table.state();

    HttpResponse<String> r = table.optimize("{\"level\":\"standard\",\"force\":true,\"pad\":\"" + "x".repeat(size) + "\"}", Map.of());

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).path("error").asText()).isEqualTo("body_too_large");
    assertThat(table.state()).isEqualTo(before);
  }

  @Test
  void aClientStillWritingItsOverLongBodyGetsThe413NotAReset() throws Exception {
    ApiFixture.State before = table.state();
    int size = 1_000_000;
    String head = "POST /api/memory/optimize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + size + "\r\n\r\n";
    try (java.net.Socket s = new java.net.Socket(table.base.getHost(), table.base.getPort())) {
      s.setSoTimeout(30_000);
      java.io.OutputStream out = s.getOutputStream();
      out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      // the body in slow chunks: a server that answers after its first 4 KiB and closes without
      // reading on has closed long before the last chunk, which then fails with a reset
      byte[] chunk = new byte[50_000];
      java.util.Arrays.fill(chunk, (byte) 'x');
      for (int sent = 0; sent < size; sent += chunk.length) {
        out.write(chunk);
        out.flush();
        Thread.sleep(10);
      }
      String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);

      assertThat(answer).startsWith("HTTP/1.1 413");
      assertThat(answer).containsIgnoringCase("connection: close");
      assertThat(answer).contains("\"body_too_large\"");
    }
    assertThat(table.state()).isEqualTo(before);
  }

  @Test
  void aContentLengthThatIsNotANumberIsA400AndChangesNothing() throws Exception {
    ApiFixture.State before = table.state();
    ApiFixture.Raw r = table.raw("POST", "/api/memory/optimize?level=emergency", "127.0.0.1",
        Map.of("Content-Length", "12abc"), null);
    // the JDK server and Jetty answer this themselves (a plain 400); memgov's bad_header is for a
    // server that passes the header through
    assertThat(r.status()).isEqualTo(400);
    assertThat(table.state()).isEqualTo(before);
  }

  // ------------------------------------------------------------------ endpoints

  @Test
  void statusShowsLevelSignalsUnknownsGovernablesCleanupsAndPolicy() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding())) {
      await().atMost(Duration.ofSeconds(10)).until(() -> f.governor.status().snapshot() != null);
      f.governor.optimize(CleanupLevel.STANDARD, true, Trigger.API);

      HttpResponse<String> r = f.get("/api/memory");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
      JsonNode s = json(r);
      assertThat(s.path("governor").asText()).isEqualTo("http-test");
      assertThat(s.path("running").asBoolean()).isTrue();
      assertThat(s.path("ticks").asLong()).isPositive();
      assertThat(s.path("sampledAtMillis").asLong()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
      assertThat(s.path("level").asText()).isEqualTo("normal");
      assertThat(s.path("governing").path("signal").asText()).isEqualTo("heap");
      assertThat(s.path("governing").path("ratio").asDouble()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.001));
      assertThat(s.path("governing").path("percent").asDouble()).isCloseTo(50.0, org.assertj.core.data.Offset.offset(0.1));

      JsonNode heap = s.path("signals").path("heap");
      assertThat(heap.path("governs").asBoolean()).isTrue();
      assertThat(heap.path("liveAfterGcBytes").asLong()).isEqualTo(f.sensor.liveBytes());
      assertThat(heap.path("maxBytes").asLong()).isEqualTo(ScriptedSensor.HEAP_MAX);
      assertThat(heap.path("oldGenMaxBytes").asLong()).isEqualTo(ScriptedSensor.HEAP_MAX);
      JsonNode rss = s.path("signals").path("rss");
      assertThat(rss.path("rssBytes").asLong()).isEqualTo(300 * ScriptedSensor.MIB);
      assertThat(rss.get("limitBytes").isNull()).isTrue();
      assertThat(rss.get("ratio").isNull()).isTrue();
      JsonNode container = s.path("signals").path("container");
      assertThat(container.path("limit").asText()).isEqualTo("none");
      assertThat(container.get("limitBytes").isNull()).isTrue();
      assertThat(container.path("workingSetBytes").asLong()).isEqualTo(350 * ScriptedSensor.MIB);
      assertThat(s.path("signals").path("gc").path("count").asLong()).isEqualTo(12);
      assertThat(s.path("signals").path("nonHeap").path("threads").asInt()).isEqualTo(30);
      assertThat(s.path("signals").path("psi").get("someAvg10").isNull()).isTrue();

      JsonNode unknown = s.path("unknown");
      assertThat(unknown.path("signals.rss.limitBytes").asText()).isEqualTo("no rssLimit configured");
      assertThat(unknown.path("signals.rss.ratio").asText()).contains("no rssLimit configured");
      assertThat(unknown.path("signals.container.limitBytes").asText()).startsWith("none");
      assertThat(unknown.path("signals.psi.someAvg10").asText()).isEqualTo("no /proc/pressure/memory on this kernel");
      // every null figure under signals has its reason; no figure is a silent -1
      for (String path : nullPaths(s.path("signals"), "signals")) {
        assertThat(unknown.has(path)).as("reason for %s in %s", path, unknown).isTrue();
      }
      assertThat(r.body()).doesNotContain(": -1");

      assertThat(s.path("trend").has("leakSuspected")).isTrue();
      assertThat(s.path("trend").path("samples").isInt()).isTrue();

      JsonNode buffers = byName(s.path("governables"), "buffers");
      assertThat(buffers.path("kind").asText()).isEqualTo("buffer");
      assertThat(buffers.path("footprintBytes").asLong()).isEqualTo(f.pool.footprintBytes());
      assertThat(buffers.path("footprintIsEstimate").asBoolean()).isFalse();
      assertThat(buffers.path("budgetUnit").asText()).isEqualTo("bytes");
      assertThat(buffers.path("configuredBudget").asLong()).isEqualTo(TestGovernable.CONFIGURED);
      assertThat(buffers.path("currentBudget").asLong()).isLessThan(TestGovernable.CONFIGURED);
      assertThat(buffers.path("rebuildCost").asText()).isEqualTo("moderate");
      assertThat(buffers.path("state").asText()).isEqualTo("ok");
      JsonNode sessions = byName(s.path("governables"), "sessions");
      assertThat(sessions.path("kind").asText()).isEqualTo("cache");
      assertThat(sessions.path("footprintBytes").asLong()).isEqualTo(5000);

      JsonNode cleanups = s.path("recentCleanups");
      assertThat(cleanups.size()).isGreaterThanOrEqualTo(1);
      JsonNode last = cleanups.get(cleanups.size() - 1);
      assertThat(last.path("level").asText()).isEqualTo("standard");
      assertThat(last.path("trigger").asText()).isEqualTo("api");

      JsonNode policy = s.path("policy");
      assertThat(policy.path("warningPercent").asInt()).isEqualTo(70);
      assertThat(policy.path("criticalPercent").asInt()).isEqualTo(85);
      assertThat(policy.path("emergencyPercent").asInt()).isEqualTo(92);
      assertThat(policy.path("cooldownLight").asText()).isEqualTo("PT1H");
      assertThat(policy.path("tickInterval").asText()).isEqualTo("PT0.05S");
      assertThat(policy.get("rssLimit").isNull()).isTrue();
      assertThat(unknown.has("policy.rssLimit")).isTrue();
    }
  }

  @Test
  void optimizeRunsACleanupAndReturnsItsReport() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding())) {
      long before = f.pool.footprintBytes();

      HttpResponse<String> r = f.optimize("{\"level\":\"standard\",\"force\":false}", Map.of());

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode rep = json(r);
      assertThat(rep.path("level").asText()).isEqualTo("standard");
      assertThat(rep.path("trigger").asText()).isEqualTo("http");
      assertThat(rep.path("forced").asBoolean()).isFalse();
      assertThat(rep.path("durationMillis").asDouble()).isGreaterThanOrEqualTo(0);
      assertThat(rep.path("startedAtMillis").asLong()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
      assertThat(rep.path("pressureBefore").path("level").asText()).isEqualTo("normal");
      JsonNode g = byName(rep.path("governables"), "buffers");
      assertThat(g.path("bytesBefore").asLong()).isEqualTo(before);
      assertThat(g.path("bytesAfter").asLong()).isEqualTo(before / 2).isEqualTo(f.pool.footprintBytes());
      assertThat(g.path("reclaimedBytes").asLong()).isEqualTo(before - before / 2);
      assertThat(g.path("budgetBefore").asLong()).isEqualTo(TestGovernable.CONFIGURED);
      assertThat(g.path("budgetAfter").asLong()).isEqualTo(TestGovernable.CONFIGURED / 2);
      assertThat(g.path("action").asText()).contains("budget");
      assertThat(g.get("error").isNull()).isTrue();
      assertThat(rep.path("reclaimedBytes").asLong()).isGreaterThanOrEqualTo(before - before / 2);
      assertThat(rep.path("bytesBefore").asLong() - rep.path("bytesAfter").asLong()).isEqualTo(rep.path("reclaimedBytes").asLong());
      assertThat(f.pool.reclaims()).isEqualTo(1);
      assertThat(f.governor.status().recentCleanups()).anySatisfy(c -> assertThat(c.id()).isEqualTo(rep.path("id").asLong()));

      // inside the cooldown: refused with Retry-After; forced: runs
      HttpResponse<String> refused = f.optimize("{\"level\":\"standard\"}", Map.of());
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(f.pool.reclaims()).isEqualTo(1);
      HttpResponse<String> forced = f.optimize("{\"level\":\"Standard\",\"force\":true}", Map.of("Content-Type", "application/json; charset=UTF-8"));
      assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
      assertThat(json(forced).path("forced").asBoolean()).isTrue();
      assertThat(f.pool.reclaims()).isEqualTo(2);
      assertThat(f.pool.footprintBytes()).isEqualTo(before / 4);
    }
  }

  @Test
  void deleteCacheClearsTheTargetAndSaysWhat() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding())) {
      HttpResponse<String> l1 = f.send("DELETE", "/api/memory/cache?target=l1", Map.of(), null);
      assertThat(l1.statusCode()).as(l1.body()).isEqualTo(200);
      JsonNode b = json(l1);
      assertThat(b.path("target").asText()).isEqualTo("l1");
      JsonNode c = b.path("cleared").get(0);
      assertThat(c.path("cache").asText()).isEqualTo("sessions");
      assertThat(c.path("tier").asText()).isEqualTo("l1");
      assertThat(c.path("l1Entries").asLong()).isEqualTo(5);
      assertThat(c.path("l1Bytes").asLong()).isEqualTo(5000);
      assertThat(c.path("l2Keys").asLong()).isZero();
      assertThat(b.path("totals").path("l1Entries").asLong()).isEqualTo(5);
      assertThat(f.cache.l1Size()).isZero();
      assertThat(f.cache.l2Size()).isEqualTo(5);

      HttpResponse<String> byName = f.send("DELETE", "/api/memory/cache?target=sessions", Map.of(), null);
      assertThat(byName.statusCode()).isEqualTo(200);
      JsonNode n = json(byName).path("cleared").get(0);
      assertThat(n.path("tier").asText()).isEqualTo("all");
      assertThat(n.path("l2Keys").asLong()).isEqualTo(5);
      assertThat(f.cache.l2Size()).isZero();

      f.cache.put("a", 10);
      HttpResponse<String> all = f.send("DELETE", "/api/memory/cache?target=ALL", Map.of(), null); // tiers in any case, as in core
      assertThat(json(all).path("totals").path("l2Keys").asLong()).isEqualTo(1);
      assertThat(f.cache.contents()).isEqualTo(Map.of("l1", Set.of(), "l2", Set.of()));
    }
  }

  @Test
  void historyListsSnapshotsAndLevelChangesSinceAGivenTime() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding())) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !f.governor.history(0).snapshots().isEmpty());
      f.sensor.liveFraction(0.80);
      await().atMost(Duration.ofSeconds(10)).until(() -> f.governor.status().level() == PressureLevel.WARNING);

      JsonNode h = json(f.get("/api/memory/history?since=0"));

      assertThat(h.path("sinceMillis").asLong()).isZero();
      JsonNode snaps = h.path("snapshots");
      assertThat(snaps.size()).isGreaterThanOrEqualTo(2);
      JsonNode lastSnap = snaps.get(snaps.size() - 1);
      assertThat(lastSnap.path("heapRatio").asDouble()).isCloseTo(0.80, org.assertj.core.data.Offset.offset(0.001));
      assertThat(lastSnap.path("liveAfterGcBytes").asLong()).isEqualTo(f.sensor.liveBytes());
      assertThat(lastSnap.get("rssRatio").isNull()).isTrue();
      assertThat(h.path("unknown").path("snapshots[].rssRatio").asText()).isEqualTo("needs limitBytes: no rssLimit configured");
      assertThat(h.path("unknown").path("snapshots[].containerRatio").asText()).isEqualTo("needs limitBytes: none: the memory cgroup sets no limit");
      JsonNode changes = h.path("levelChanges");
      JsonNode change = changes.get(changes.size() - 1);
      assertThat(change.path("from").asText()).isEqualTo("normal");
      assertThat(change.path("to").asText()).isEqualTo("warning");
      assertThat(change.path("governing").asText()).isEqualTo("heap");
      assertThat(change.path("ratio").asDouble()).isGreaterThanOrEqualTo(0.70);
      long changedAt = change.path("timestampMillis").asLong();

      JsonNode later = json(f.get("/api/memory/history?since=" + (changedAt + 1)));
      assertThat(later.path("levelChanges").size()).isZero();
      for (JsonNode s : later.path("snapshots")) {
        assertThat(s.path("timestampMillis").asLong()).isGreaterThan(changedAt);
      }
    }
  }

  @Test
  void healthIsOkUntilEmergencyThen503() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding())) {
      await().atMost(Duration.ofSeconds(10)).until(() -> f.governor.status().snapshot() != null);
      HttpResponse<String> ok = f.get("/api/health");
      assertThat(ok.statusCode()).isEqualTo(200);
      JsonNode h = json(ok);
      assertThat(h.path("status").asText()).isEqualTo("ok");
      assertThat(h.path("level").asText()).isEqualTo("normal");
      assertThat(h.path("running").asBoolean()).isTrue();
      assertThat(h.path("governing").path("signal").asText()).isEqualTo("heap");
      HttpResponse<String> simple = f.get("/api/simple-health");
      assertThat(simple.statusCode()).isEqualTo(200);
      assertThat(simple.body()).isEqualTo("ok");
      assertThat(simple.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));

      f.sensor.liveFraction(0.95);
      await().atMost(Duration.ofSeconds(10)).until(() -> f.governor.status().level() == PressureLevel.EMERGENCY);

      HttpResponse<String> down = f.get("/api/health");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(json(down).path("status").asText()).isEqualTo("emergency");
      assertThat(json(down).path("level").asText()).isEqualTo("emergency");
      assertThat(json(down).path("governing").path("percent").asDouble()).isGreaterThanOrEqualTo(92.0);
      HttpResponse<String> simpleDown = f.get("/api/simple-health");
      assertThat(simpleDown.statusCode()).isEqualTo(503);
      assertThat(simpleDown.body()).isEqualTo("emergency");

      f.sensor.liveFraction(0.30);
      await().atMost(Duration.ofSeconds(10)).until(() -> f.governor.status().level() != PressureLevel.EMERGENCY);
      assertThat(f.get("/api/health").statusCode()).isEqualTo(200);
      assertThat(f.get("/api/simple-health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theDashboardIsAPageThatReadsTheStatusEndpointOnly() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding(), ApiFixture.TOKEN, true)) {
      HttpResponse<String> r = f.get("/api/memory/dashboard");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v.replace(" ", ""))
          .isEqualToIgnoringCase("text/html;charset=utf-8"));
      assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
          .contains("default-src 'none'").contains("connect-src 'self'"));
      assertThat(r.body()).contains("<title>memgov</title>").contains("const api = \"../memory\"");
      // it resolves to the status endpoint under any mount point
      assertThat(f.base.resolve("/api/memory/dashboard").resolve("../memory").getPath()).isEqualTo("/api/memory");
      assertThat(r.body()).doesNotContain("innerHTML");
    }
  }

  @Test
  void aGovernableOrCacheThatFailsIsReportedWithItsReasonNotHidden() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding())) {
      f.governor.register(new FailingCache("broken"));

      HttpResponse<String> status = f.get("/api/memory");
      assertThat(status.statusCode()).isEqualTo(200);
      JsonNode s = json(status);
      int i = 0;
      while (!s.path("governables").get(i).path("name").asText().equals("broken")) {
        i++;
      }
      assertThat(s.path("governables").get(i).get("footprintBytes").isNull()).isTrue();
      assertThat(s.path("unknown").path("governables[" + i + "].footprintBytes").asText())
          .startsWith("status failed").contains("footprint unreadable");

      HttpResponse<String> cleared = f.send("DELETE", "/api/memory/cache?target=all", Map.of(), null);
      assertThat(cleared.statusCode()).isEqualTo(200);
      JsonNode c = json(cleared);
      assertThat(c.path("totals").path("caches").asInt()).isEqualTo(2);
      assertThat(c.path("totals").path("failed").asInt()).isEqualTo(1);
      JsonNode broken = byCache(c.path("cleared"), "broken");
      assertThat(broken.path("error").asText()).contains("L2 unreachable");
      assertThat(broken.get("l1Entries").isNull()).isTrue();
      // the healthy cache was still cleared
      assertThat(byCache(c.path("cleared"), "sessions").path("l1Entries").asLong()).isEqualTo(5);
      assertThat(f.cache.l1Size()).isZero();
      assertThat(c.path("unknown").toString()).contains("clearing failed: ").contains("L2 unreachable");
    }
  }

  @Test
  void aCleanupWhoseGovernableCannotTellItsFootprintGivesNoMadeUpTotalAndReasonsAtTheBodysPaths() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding())) {
      f.governor.register(new FailingCache("broken"));

      HttpResponse<String> r = f.send("POST", "/api/memory/optimize",
          Map.of("Content-Type", "application/json"), "{\"level\":\"standard\",\"force\":true}");

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode body = json(r);
      int i = 0;
      while (!body.path("governables").get(i).path("name").asText().equals("broken")) {
        i++;
      }
      assertThat(body.path("governables").get(i).get("bytesBefore").isNull()).isTrue();
      // the total is not the others' sum passed off as the whole
      assertThat(body.get("reclaimedBytes").isNull()).as(r.body()).isTrue();
      assertThat(body.get("bytesBefore").isNull()).isTrue();
      JsonNode unknown = body.path("unknown");
      assertThat(unknown.path("reclaimedBytes").asText()).contains("cannot tell its footprint");
      assertThat(unknown.path("governables[" + i + "].bytesBefore").asText()).contains("cannot tell its footprint");
      List<String> keys = new ArrayList<>();
      unknown.fieldNames().forEachRemaining(keys::add);
      assertThat(keys).as("every key is a path in this body").allSatisfy(k -> assertThat(k).doesNotStartWith("report."));
    }
  }

  @Test
  void aGovernableWhoseGetterThrowsAnErrorLeavesHealthAndStatusAnswering() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding())) {
      // a governable whose footprint getter fails with an Error, as a missing optional class would
      f.governor.register(new TestGovernable("linked") {
        @Override
        public long footprintBytes() {
          throw new NoClassDefFoundError("com/example/Optional");
        }
      });

      HttpResponse<String> health = f.get("/api/health");
      HttpResponse<String> status = f.get("/api/memory");

      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
      assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
      JsonNode s = json(status);
      int i = 0;
      while (!s.path("governables").get(i).path("name").asText().equals("linked")) {
        i++;
      }
      assertThat(s.path("governables").get(i).get("footprintBytes").isNull()).isTrue();
      assertThat(s.path("unknown").path("governables[" + i + "].footprintBytes").asText())
          .contains("NoClassDefFoundError");
    }
  }

  static JsonNode byCache(JsonNode array, String name) {
    for (JsonNode n : array) {
      if (n.path("cache").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no cache '" + name + "' in " + array);
  }

  /** A cache whose footprint cannot be read and whose clear fails: a fault at the boundary. */
  static final class FailingCache implements dev.memgov.core.ClearableCache {
    private final String name;

    FailingCache(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String kind() {
      return "cache";
    }

    @Override
    public long footprintBytes() {
      throw new IllegalStateException("footprint unreadable");
    }

    @Override
    public String budgetUnit() {
      return "bytes";
    }

    @Override
    public long configuredBudget() {
      return 1024;
    }

    @Override
    public long currentBudget() {
      return 1024;
    }

    @Override
    public dev.memgov.core.ReclaimResult reclaim(dev.memgov.core.ReclaimRequest request) {
      return dev.memgov.core.ReclaimResult.nothing("broken");
    }

    @Override
    public dev.memgov.core.RestoreResult restore(dev.memgov.core.RestoreRequest request) {
      return dev.memgov.core.RestoreResult.complete();
    }

    @Override
    public boolean hasL2() {
      return true;
    }

    @Override
    public dev.memgov.core.ClearResult clear(dev.memgov.core.CacheTier tier) {
      throw new IllegalStateException("L2 unreachable");
    }
  }

  // ------------------------------------------------------------------ auth

  @Test
  void changingCallsNeedTheTokenWhenOneIsSet() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding(), ApiFixture.TOKEN, false)) {
      ApiFixture.State before = f.state();

      HttpResponse<String> none = f.optimize("{\"level\":\"standard\",\"force\":true}", Map.of());
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"memgov\"");
      assertThat(json(none).path("error").asText()).isEqualTo("unauthorized");
      HttpResponse<String> basic = f.optimize("{\"level\":\"standard\",\"force\":true}", Map.of("Authorization", "Basic dXNlcjpwYXNz"));
      assertThat(basic.statusCode()).isEqualTo(401);
      HttpResponse<String> wrong = f.optimize("{\"level\":\"standard\",\"force\":true}", Map.of("Authorization", "Bearer " + ApiFixture.TOKEN + "x"));
      assertThat(wrong.statusCode()).isEqualTo(403);
      assertThat(json(wrong).path("error").asText()).isEqualTo("forbidden");
      assertThat(json(wrong).path("message").asText()).doesNotContain(ApiFixture.TOKEN);
      HttpResponse<String> shortWrong = f.optimize("{\"level\":\"standard\",\"force\":true}", Map.of("Authorization", "Bearer abc"));
      assertThat(shortWrong.statusCode()).isEqualTo(403);
      HttpResponse<String> delNone = f.send("DELETE", "/api/memory/cache?target=all", Map.of(), null);
      assertThat(delNone.statusCode()).isEqualTo(401);
      HttpResponse<String> delWrong = f.send("DELETE", "/api/memory/cache?target=all", Map.of("Authorization", "Bearer not-the-token-at-all"), null);
      assertThat(delWrong.statusCode()).isEqualTo(403);
      assertThat(f.state()).isEqualTo(before);

      // reads stay open by default
      assertThat(f.get("/api/memory").statusCode()).isEqualTo(200);
      assertThat(f.get("/api/memory/history").statusCode()).isEqualTo(200);

      HttpResponse<String> ok = f.optimize("{\"level\":\"standard\",\"force\":true}", Map.of("Authorization", "Bearer " + ApiFixture.TOKEN));
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(f.pool.reclaims()).isEqualTo(before.reclaims() + 1);
      HttpResponse<String> lowerScheme = f.send("DELETE", "/api/memory/cache?target=l2", Map.of("Authorization", "bearer " + ApiFixture.TOKEN), null);
      assertThat(lowerScheme.statusCode()).isEqualTo(200);
      assertThat(f.cache.l2Size()).isZero();
      assertThat(f.cache.l1Size()).isEqualTo(5);
    }
  }

  @Test
  void protectedReadsNeedTheTokenButHealthStaysOpen() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding(), ApiFixture.TOKEN, true)) {
      assertThat(f.get("/api/memory").statusCode()).isEqualTo(401);
      assertThat(f.get("/api/memory/history?since=0").statusCode()).isEqualTo(401);
      assertThat(f.send("GET", "/api/memory", Map.of("Authorization", "Bearer wrong-token-wrong-token"), null).statusCode()).isEqualTo(403);
      HttpResponse<String> ok = f.send("GET", "/api/memory", Map.of("Authorization", "Bearer " + ApiFixture.TOKEN), null);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(json(ok).path("governor").asText()).isEqualTo("http-test");
      assertThat(f.get("/api/health").statusCode()).isEqualTo(200);
      assertThat(f.get("/api/simple-health").statusCode()).isEqualTo(200);
    }
  }

  // ------------------------------------------------------------------ malformed request-target

  @Test
  void aBadlyEncodedQueryIsABadQueryOnTheServletButTheJdkServersOwn400Standalone() {
    ApiFixture.State before = table.state();
    ApiFixture.Raw query = table.raw("GET", "/api/memory/history?since=%zz", "127.0.0.1", Map.of(), null);
    ApiFixture.Raw path = table.raw("GET", "/api/memory/%zz", "127.0.0.1", Map.of(), null);

    assertThat(query.status()).isEqualTo(400);
    assertThat(path.status()).isEqualTo(400);
    if (binding() == ApiFixture.Binding.SERVLET) {
      // the container hands the raw query over: the handler answers
      assertThat(query.json().path("error").asText()).isEqualTo("bad_query");
      assertThat(query.json().path("message").asText())
          .isEqualTo("memgov http: the query string is not valid URL encoding: 'since=%zz'");
      // a bad escape in the path is rejected by Jetty itself, as an HTML page
      assertThat(path.head()).containsIgnoringCase("content-type: text/html");
    } else {
      // the JDK's HttpServer parses the request-target itself and answers before the handler runs
      for (ApiFixture.Raw r : List.of(query, path)) {
        assertThat(r.head()).containsIgnoringCase("content-type: text/html");
        assertThat(r.body()).isEqualTo("<h1>400 Bad Request</h1>URISyntaxException thrown");
      }
    }
    assertThat(table.state()).isEqualTo(before);
  }

  @Test
  void routingIsOnThePathAsSentSoAnEncodedSlashOrAPathParameterIsNoRoute() {
    ApiFixture.State before = table.state();
    ApiFixture.Raw param = table.raw("GET", "/api/memory;x", "127.0.0.1", Map.of(), null);
    ApiFixture.Raw slash = table.raw("POST", "/api/memory%2Foptimize", "127.0.0.1",
        Map.of("Content-Type", "application/json"), "{\"level\":\"light\",\"force\":true}");

    assertThat(param.status()).as(param.body()).isEqualTo(404);
    assertThat(param.json().path("error").asText()).isEqualTo("not_found");
    if (slash.status() == 404) {
      assertThat(slash.json().path("error").asText()).isEqualTo("not_found");
    } else {
      // Jetty refuses an encoded slash in the path itself (an ambiguous separator)
      assertThat(binding()).isEqualTo(ApiFixture.Binding.SERVLET);
      assertThat(slash.status()).isEqualTo(400);
    }
    assertThat(table.state()).isEqualTo(before);
  }

  // ------------------------------------------------------------------ Host (DNS rebinding)

  @Test
  void withoutATokenACallAddressedToAnotherHostIsRefusedAndChangesNothing() throws Exception {
    // a page on a name that resolves to 127.0.0.1 (DNS rebinding) sends its own name as Host
    try (ApiFixture f = ApiFixture.start(binding())) {
      ApiFixture.State before = f.state();
      String evil = "rebind.attacker.example:" + f.base.getPort();

      ApiFixture.Raw delete = f.raw("DELETE", "/api/memory/cache?target=all", evil, Map.of(), null);
      assertThat(delete.status()).as(delete.body()).isEqualTo(403);
      assertThat(delete.json().path("error").asText()).isEqualTo("host_not_allowed");
      assertThat(delete.json().path("message").asText()).isEqualTo("memgov http: without a token, the Host header must "
          + "name a loopback host (localhost, *.localhost, 127.0.0.0/8 or [::1], with or without a port), but was '"
          + evil + "'; configure a token to call the API under other host names");
      assertThat(delete.json().path("accepted").toString())
          .isEqualTo("[\"localhost\",\"*.localhost\",\"127.0.0.0/8\",\"[::1]\",\"a configured token\"]");
      ApiFixture.Raw optimize = f.raw("POST", "/api/memory/optimize", "rebind.attacker.example",
          Map.of("Content-Type", "application/json"), "{\"level\":\"emergency\",\"force\":true}");
      assertThat(optimize.status()).as(optimize.body()).isEqualTo(403);
      assertThat(optimize.json().path("error").asText()).isEqualTo("host_not_allowed");
      assertThat(f.raw("GET", "/api/memory", evil, Map.of(), null).status()).isEqualTo(403);
      assertThat(f.raw("GET", "/api/memory/history", evil, Map.of(), null).status()).isEqualTo(403);
      assertThat(f.state()).isEqualTo(before);

      // the health endpoints (load balancers call them by any name) and the page without data stay open
      assertThat(f.raw("GET", "/api/health", evil, Map.of(), null).status()).isEqualTo(200);
      assertThat(f.raw("GET", "/api/simple-health", evil, Map.of(), null).status()).isEqualTo(200);
      assertThat(f.raw("HEAD", "/api/simple-health", evil, Map.of(), null).status()).isEqualTo(200);
      assertThat(f.raw("GET", "/api/memory/dashboard", evil, Map.of(), null).status()).isEqualTo(200);
    }
  }

  @Test
  void withoutATokenLoopbackHostsAndAMissingHostAreAccepted() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding())) {
      int port = f.base.getPort();
      for (String host : List.of("localhost", "LocalHost:" + port, "app.localhost:" + port, "127.0.0.1:" + port,
          "127.8.9.10", "[::1]:" + port)) {
        ApiFixture.Raw r = f.raw("GET", "/api/memory", host, Map.of(), null);
        assertThat(r.status()).as(host + ": " + r.body()).isEqualTo(200);
      }
      // HTTP/1.0 without a Host header: browsers always send one, so DNS rebinding cannot omit it
      ApiFixture.Raw noHost = f.raw("GET", "/api/memory", null, Map.of(), null);
      assertThat(noHost.status()).as(noHost.body()).isEqualTo(200);
      ApiFixture.Raw cleared = f.raw("DELETE", "/api/memory/cache?target=l1", "localhost:" + port, Map.of(), null);
      assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
      assertThat(f.cache.l1Size()).isZero();
    }
  }

  @Test
  void withATokenTheHostIsNotCheckedTheTokenIs() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding(), ApiFixture.TOKEN, false)) {
      String other = "memgov.internal.example:" + f.base.getPort();
      assertThat(f.raw("GET", "/api/memory", other, Map.of(), null).status()).isEqualTo(200);
      assertThat(f.raw("DELETE", "/api/memory/cache?target=l1", other, Map.of(), null).status()).isEqualTo(401);
      ApiFixture.Raw cleared = f.raw("DELETE", "/api/memory/cache?target=l1", other,
          Map.of("Authorization", "Bearer " + ApiFixture.TOKEN), null);
      assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
      assertThat(f.cache.l1Size()).isZero();
    }
  }

  // ------------------------------------------------------------------ concurrency

  @Test
  void fiftyConcurrentOptimizeCallsAreAllAnsweredSerializedAndCooldownIsHonoured() throws Exception {
    try (ApiFixture f = ApiFixture.start(binding())) {
      int forcedCalls = 10;
      int plainCalls = 40;
      ExecutorService pool = Executors.newFixedThreadPool(50);
      List<CompletableFuture<HttpResponse<String>>> forced = new ArrayList<>();
      List<CompletableFuture<HttpResponse<String>>> plain = new ArrayList<>();
      try {
        for (int i = 0; i < forcedCalls + plainCalls; i++) {
          boolean force = i % 5 == 0;
          String body = "{\"level\":\"aggressive\",\"force\":" + force + "}";
          CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> f.optimize(body, Map.of()), pool);
          (force ? forced : plain).add(call);
        }
        CompletableFuture.allOf(Stream.concat(forced.stream(), plain.stream()).toArray(CompletableFuture[]::new))
            .get(60, java.util.concurrent.TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }

      Set<Long> ids = new HashSet<>();
      for (CompletableFuture<HttpResponse<String>> c : forced) {
        HttpResponse<String> r = c.join();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        ids.add(json(r).path("id").asLong());
      }
      int plainRan = 0;
      for (CompletableFuture<HttpResponse<String>> c : plain) {
        HttpResponse<String> r = c.join();
        assertThat(r.statusCode()).as(r.body()).isIn(200, 429);
        if (r.statusCode() == 200) {
          plainRan++;
          ids.add(json(r).path("id").asLong());
        } else {
          assertThat(json(r).path("error").asText()).isEqualTo("cooldown");
          assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 3600L);
        }
      }
      // one plain call may run before the first forced one; after any run the level is in cooldown
      assertThat(plainRan).isLessThanOrEqualTo(1);
      assertThat(ids).hasSize(forcedCalls + plainRan);
      assertThat(f.pool.reclaims()).isEqualTo(forcedCalls + plainRan);
      assertThat(f.pool.maxInFlight()).as("cleanups overlapped").isEqualTo(1);
    }
  }

  // ------------------------------------------------------------------ helpers

  static JsonNode byName(JsonNode array, String name) {
    for (JsonNode n : array) {
      if (n.path("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no '" + name + "' in " + array);
  }

  static List<String> nullPaths(JsonNode node, String path) {
    List<String> out = new ArrayList<>();
    if (node.isNull()) {
      out.add(path);
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        out.addAll(nullPaths(e.getValue(), path + "." + e.getKey()));
      }
    }
    return out;
  }
}
