package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A password in the Redis URI never appears in a message, a state line or an exception. */
class RedisUriSecretTest {

  private static final String SECRET = "s3cr3t-Pa55";

  private static GovernedCacheBuilder<Integer, String> builder() {
    return GovernedCache.<Integer, String>builder("sec", ValueCodec.utf8());
  }

  @Test
  void aRejectedSchemeIsShownWithoutItsUserInfo() {
    assertThatThrownBy(() -> builder().redis("http://admin:" + SECRET + "@cache.internal:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("redis uri must be a redis://, rediss://, redis-socket://, redis-sentinel://, redis-cluster:// or "
            + "rediss-cluster:// URI, but was 'http://***@cache.internal:6379'")
        .satisfies(e -> assertThat(String.valueOf(e.getCause())).doesNotContain(SECRET));
  }

  @Test
  void aUriLettuceCannotParseIsShownWithoutItsUserInfo() {
    for (String uri : List.of("redis://:" + SECRET + "@cache.internal:6379/x",
        "redis-cluster://admin:" + SECRET + "@",
        "redis-sentinel://:" + SECRET + "@:1#m")) {
      assertThatThrownBy(() -> builder().redis(uri).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("memgov cache 'sec': redis must be one of ")
          .hasMessageContaining("***@")
          .satisfies(e -> assertThat(everyMessage(e)).doesNotContain(SECRET));
    }
  }

  @Test
  void aPasswordContainingAtSignsIsMaskedWhole() {
    assertThat(RedisUris.mask("redis://user:p@ss@word@h:1/0")).isEqualTo("redis://***@h:1/0");
    assertThat(RedisUris.mask("redis://h:1")).isEqualTo("redis://h:1");
    assertThat(RedisUris.mask(null)).isEqualTo("null");
  }

  @Test
  void withoutLettuceTheMessageNamesTheUriWithoutItsPassword() throws Exception {
    // the module's classes and dependencies without lettuce-core, in a loader of their own
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.contains("lettuce")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader noLettuce = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      Class<?> cache = noLettuce.loadClass(GovernedCache.class.getName());
      Class<?> codec = noLettuce.loadClass(ValueCodec.class.getName());
      Object utf8 = codec.getMethod("utf8").invoke(null);
      Object b = cache.getMethod("builder", String.class, codec).invoke(null, "sec", utf8);
      b.getClass().getMethod("redis", String.class).invoke(b, "redis://admin:" + SECRET + "@cache.internal:6379");
      Method build = b.getClass().getMethod("build");
      assertThatThrownBy(() -> {
        try {
          build.invoke(b);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }).isInstanceOf(IllegalStateException.class)
          .hasMessage("memgov cache 'sec': redis(redis://***@cache.internal:6379) needs io.lettuce:lettuce-core on "
              + "the classpath; add it, or build without redis(...)");
    }
  }

  @Test
  void aServerRefusingThePasswordShowsNoPasswordInTheStateOrTheLog() throws Exception {
    PrintStream stderr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (TestRedis redis = TestRedis.start()) {
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8)); // slf4j-simple writes to System.err
      try (GovernedCache<Integer, String> c = builder()
          .redis("redis://no-such-user:" + SECRET + "@127.0.0.1:" + redis.port()) // refused: WRONGPASS
          .l2Timeout(Duration.ofMillis(200)).l2Backoff(Duration.ofMillis(50)).build()) {
        c.put(1, "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> !c.l2Up());
        assertThat(c.state()).contains("l2 down").doesNotContain(SECRET);
        assertThat(c.get(1)).isEqualTo("v"); // L1 still serves
      }
    } finally {
      System.setErr(stderr);
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("memgov cache 'sec': L2").doesNotContain(SECRET);
  }

  private static String everyMessage(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t).append('\n');
    }
    return b.toString();
  }
}
