package dev.memgov.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real Redis server for one test class: {@code redis-server} from PATH, or, on a machine
 * without one, the Redis binary shipped in {@code com.github.codemonstur:embedded-redis}
 * (extracted and run the same way). Loopback only, a free port, no persistence. It can be paused
 * (SIGSTOP), resumed, killed (SIGKILL) and restarted on the same port for fault tests.
 *
 * <p>A server never outlives a failed start, and a shutdown hook kills (SIGKILL, which also ends a
 * paused one) every server still running when the test JVM exits, so a test that fails before
 * {@link #close()} leaves no redis-server behind.
 */
public final class TestRedis implements AutoCloseable {

  private static Path executable;
  /** Every server started and not yet known to be gone: what the shutdown hook kills. */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
        "memgov-test-redis-reaper"));
  }

  private final int port;
  private final Path dir;
  private final String[] extraArgs;
  private Process process;
  /** The test's own client, for planting and inspecting keys; closed with the server. */
  private RedisClient client;
  private StatefulRedisConnection<String, String> strings;
  private StatefulRedisConnection<String, byte[]> bytes;

  private TestRedis(int port, Path dir, String[] extraArgs) {
    this.port = port;
    this.dir = dir;
    this.extraArgs = extraArgs;
  }

  /** Starts a server; {@code extraArgs} are further {@code --name value} options. */
  public static TestRedis start(String... extraArgs) throws IOException {
    TestRedis r = new TestRedis(freePort(), Files.createTempDirectory("memgov-redis"), extraArgs);
    try {
      r.launch();
    } catch (IOException | RuntimeException | Error e) {
      try {
        r.close(); // launch stopped its process; this removes the directory
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return r;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Commands on this server with string values (a connection of the test's own, closed by {@link #close()}). */
  public synchronized RedisCommands<String, String> strings() {
    if (strings == null) {
      strings = client().connect();
    }
    return strings.sync();
  }

  /** Commands on this server with raw byte values (closed by {@link #close()}). */
  public synchronized RedisCommands<String, byte[]> bytes() {
    if (bytes == null) {
      bytes = client().connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    }
    return bytes.sync();
  }

  private RedisClient client() {
    if (client == null) {
      client = RedisClient.create(uri());
    }
    return client;
  }

  public long pid() {
    return process.pid();
  }

  /** Which binary runs: a path on PATH or the extracted embedded one. */
  static synchronized String binary() throws IOException {
    return executable().toString();
  }

  private static synchronized Path executable() throws IOException {
    if (executable != null) {
      return executable;
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, "redis-server");
      if (!d.isEmpty() && Files.isExecutable(p)) {
        return executable = p;
      }
    }
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    boolean arm = arch.contains("aarch64") || arch.contains("arm");
    String resource;
    if (os.contains("linux")) {
      resource = arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
    } else if (os.contains("mac")) {
      resource = arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
    } else {
      throw new IllegalStateException("no redis-server on PATH and no embedded Redis binary for " + os + "/" + arch
          + "; install redis-server (Debian: apt-get install redis-server)");
    }
    Path out = Files.createTempFile("memgov-redis-server", "");
    try (InputStream in = TestRedis.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no redis-server on PATH and " + resource + " is not on the test classpath "
            + "(com.github.codemonstur:embedded-redis)");
      }
      Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
    }
    out.toFile().setExecutable(true);
    out.toFile().deleteOnExit();
    return executable = out;
  }

  private void launch() throws IOException {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(executable().toString(), "--port",
        String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    cmd.addAll(java.util.List.of(extraArgs));
    RUNNING.removeIf(p -> !p.isAlive());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    RUNNING.add(p);
    process = p;
    try {
      Awaitility.await("redis-server on port " + port)
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(20))
          .ignoreExceptions()
          .until(this::answersPing);
    } catch (RuntimeException | Error e) {
      // no answer to PING (or interrupted while waiting): the server must not outlive the test
      stop(p);
      throw e;
    }
  }

  boolean answersPing() throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buf = new byte[7];
      int n = s.getInputStream().read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    }
  }

  public void pause() throws Exception {
    signal("STOP");
  }

  public void resume() throws Exception {
    signal("CONT");
  }

  /** SIGKILL, and wait for the process to be gone. */
  public void kill() throws Exception {
    signal("KILL");
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Starts a fresh (empty) server on the same port. */
  public void restart() throws IOException {
    launch();
  }

  private void signal(String sig) throws Exception {
    Process k = new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).inheritIO().start();
    if (k.waitFor() != 0) {
      throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
    }
  }

  /**
   * Ends {@code p}: SIGCONT (it may be paused), SIGTERM, and SIGKILL if it is still there after
   * 5 s or anything goes wrong on the way. Never throws; keeps the interrupt flag.
   */
  private static void stop(Process p) {
    try {
      if (p.isAlive()) {
        try {
          new ProcessBuilder("kill", "-CONT", String.valueOf(p.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
          // no kill(1): SIGTERM waits for a paused server, and SIGKILL below ends it
        }
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      p.destroyForcibly();
    } finally {
      if (!p.isAlive()) {
        RUNNING.remove(p);
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      closeClient();
      if (process != null) {
        stop(process);
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Closes the test's own connections and client; a failure there never keeps the server up. */
  private synchronized void closeClient() {
    try {
      for (StatefulRedisConnection<?, ?> c : java.util.Arrays.asList(strings, bytes)) {
        if (c != null) {
          c.close();
        }
      }
      if (client != null) {
        client.shutdown();
      }
    } catch (RuntimeException e) {
      // the server is stopped all the same
    } finally {
      strings = null;
      bytes = null;
      client = null;
    }
  }
}
