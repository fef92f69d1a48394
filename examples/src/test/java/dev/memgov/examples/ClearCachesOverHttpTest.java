package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memgov.cache.GovernedCache;
import dev.memgov.cache.TestRedis;
import dev.memgov.cache.ValueCodec;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.http.MemoryApiServer;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code DELETE /api/memory/cache} end to end: real HTTP over loopback to governor-http's server,
 * a real governor, two {@link GovernedCache}s with their L2 on a real redis-server, and another
 * application's keys in the same Redis.
 */
class ClearCachesOverHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int N = 20;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private TestRedis redis;
  private RedisCommands<String, String> raw;
  private GovernedCache<Integer, String> orders;
  private GovernedCache<Integer, String> users;
  private MemoryGovernor governor;
  private MemoryApiServer api;

  @BeforeEach
  void start() throws Exception {
    redis = TestRedis.start("--save", "", "--appendonly", "no");
    toClose.add(redis);
    raw = redis.strings();
    orders = cache("orders");
    users = cache("users");
    governor = MemoryGovernor.builder().name("clear-test").jmxEnabled(false).jvmGovernable(false)
        .governable(orders).governable(users).build();
    toClose.add(governor);
    governor.start();
    api = MemoryApiServer.builder(governor).port(0).build();
    toClose.add(api);
    api.start();
    for (int i = 0; i < N; i++) {
      orders.put(i, "order " + i);
      users.put(i, "user " + i);
    }
    raw.set("other-app:1", "not memgov's"); // another application's key in the same Redis
  }

  private GovernedCache<Integer, String> cache(String name) {
    GovernedCache<Integer, String> c = GovernedCache.<Integer, String>builder(name, ValueCodec.utf8())
        .l1Budget(1 << 20).redis(redis.uri()).l2Timeout(Duration.ofSeconds(2)).build();
    toClose.add(c);
    return c;
  }

  @AfterEach
  void stop() {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        // the rest still close (the Redis server last of all)
      }
    }
  }

  private JsonNode delete(String target) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + api.port() + "/api/memory/cache?target=" + target))
        .timeout(Duration.ofSeconds(30)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private long redisKeys(String cache) {
    return raw.keys("memgov:" + cache + ":*").size();
  }

  @Test
  void l2EmptiesOnlyTheCachesKeysInRedisAndL1KeepsServing() throws Exception {
    assertThat(redisKeys("orders")).isEqualTo(N);

    JsonNode body = delete("l2");

    assertThat(body.at("/totals/l2Keys").asLong()).isEqualTo(2 * N);
    assertThat(body.at("/totals/caches").asInt()).isEqualTo(2);
    assertThat(redisKeys("orders")).isZero();
    assertThat(redisKeys("users")).isZero();
    assertThat(raw.get("other-app:1")).isEqualTo("not memgov's");
    assertThat(orders.stats().l1Entries()).isEqualTo(N);
    assertThat(orders.getIfPresent(3)).isEqualTo("order 3");
  }

  @Test
  void l1EmptiesMemoryAndReadsComeBackFromRedis() throws Exception {
    JsonNode body = delete("l1");

    assertThat(body.at("/totals/l1Entries").asLong()).isEqualTo(2 * N);
    assertThat(orders.stats().l1Entries()).isZero();
    assertThat(redisKeys("orders")).isEqualTo(N);
    assertThat(orders.getIfPresent(5)).isEqualTo("order 5");
    assertThat(orders.stats().l2Hits()).isEqualTo(1);
  }

  @Test
  void aCachesNameClearsBothItsTiersAndNothingElse() throws Exception {
    JsonNode body = delete("orders");

    assertThat(body.get("cleared")).hasSize(1);
    JsonNode cleared = body.get("cleared").get(0);
    assertThat(cleared.get("cache").asText()).isEqualTo("orders");
    assertThat(cleared.get("l1Entries").asLong()).isEqualTo(N);
    assertThat(cleared.get("l2Keys").asLong()).isEqualTo(N);
    assertThat(orders.getIfPresent(1)).isNull();
    assertThat(users.stats().l1Entries()).isEqualTo(N);
    assertThat(redisKeys("users")).isEqualTo(N);
  }

  @Test
  void withRedisGoneTheCallStillAnswersAndSaysWhichCacheFailed() throws Exception {
    redis.kill();

    JsonNode body = delete("all");

    assertThat(body.at("/totals/failed").asInt()).isEqualTo(2);
    for (JsonNode c : body.get("cleared")) {
      assertThat(c.get("error").asText()).as(c.toString()).isNotBlank();
      assertThat(c.get("l2Keys").isNull()).as(c.toString()).isTrue();
    }
    // L1 is cleared all the same, and no value the call cleared is read back: L2 is skipped until
    // its keys have been purged
    assertThat(body.at("/totals/l1Entries").asLong()).isEqualTo(2 * N);
    assertThat(orders.stats().l1Entries()).isZero();
    assertThat(orders.getIfPresent(2)).isNull();
    assertThat(orders.state()).contains("awaiting purge");
  }
}
