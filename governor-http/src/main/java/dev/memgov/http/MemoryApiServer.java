package dev.memgov.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.memgov.core.MemoryGovernor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /api/memory} API on the JDK's built-in {@code com.sun.net.httpserver.HttpServer}: no
 * extra server dependency. Binds to {@code 127.0.0.1} unless told otherwise, and refuses to bind
 * to any other address without a token unless {@link Builder#allowNonLoopbackWithoutToken} is
 * set. Without a token it answers only calls whose {@code Host} header names a loopback host
 * (except the health endpoints and the dashboard page; see {@link
 * MemoryApiHandler.Builder#allowAnyHostWithoutToken}), so that a web page cannot reach it through
 * DNS rebinding; bound to another address with {@link Builder#allowNonLoopbackWithoutToken}, it
 * answers any host. Calls run on a bounded pool of daemon threads ({@link Builder#threads}, default 4; a
 * bounded queue of 100; when both are full the accepting thread runs the call itself, which
 * slows accepting down instead of failing).
 *
 * <pre>{@code
 * MemoryApiServer server = MemoryApiServer.builder(governor).port(9400).token(secret).build();
 * server.start();   // ... server.close();
 * }</pre>
 *
 * <p>Routing is exact: one context at {@code /} and the {@link MemoryApiHandler} decides, because
 * {@code HttpServer} matches contexts by prefix. This class is thread-safe; {@link #start()} and
 * {@link #close()} are idempotent.
 */
public final class MemoryApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MemoryApiServer.class);

  private final MemoryApiHandler handler;
  private final InetAddress address;
  private final int requestedPort;
  private final int threads;
  private HttpServer server;
  private ThreadPoolExecutor executor;
  private boolean closed;

  private MemoryApiServer(Builder b, InetAddress address, MemoryApiHandler handler) {
    this.handler = handler;
    this.address = address;
    this.requestedPort = b.port;
    this.threads = b.threads;
  }

  /** A builder for a server over {@code governor}: 127.0.0.1, port 9400, no token. */
  public static Builder builder(MemoryGovernor governor) {
    return new Builder(governor);
  }

  /**
   * Binds and starts serving. Idempotent while running.
   *
   * @throws UncheckedIOException when the address cannot be bound (port in use, ...)
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("memgov http: the server was closed; build a new one");
    }
    if (server != null) {
      return;
    }
    HttpServer s;
    try {
      s = HttpServer.create(new InetSocketAddress(address, requestedPort), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "memgov http: cannot bind " + address.getHostAddress() + ":" + requestedPort + ": " + e.getMessage()
              + "; choose another port (0 picks a free one)", e);
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor ex = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(100), r -> {
          Thread t = new Thread(r, "memgov-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    ex.allowCoreThreadTimeOut(true);
    s.createContext("/", this::exchange);
    s.setExecutor(ex);
    s.start();
    this.server = s;
    this.executor = ex;
    LOG.info("memgov http: serving /api/memory on http://{}:{}{}", address.getHostAddress(), port(),
        handler.hasToken() ? " (bearer token required for changes)" : "");
  }

  /**
   * The bound port: the free port picked when built with port 0.
   *
   * @throws IllegalStateException before {@link #start()} when the port is 0
   */
  public synchronized int port() {
    if (server != null) {
      return server.getAddress().getPort();
    }
    if (requestedPort == 0) {
      throw new IllegalStateException("memgov http: port 0 picks a free port at start(); call start() first");
    }
    return requestedPort;
  }

  /** The handler behind this server. */
  public MemoryApiHandler handler() {
    return handler;
  }

  /** Stops serving and releases the port and threads. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    if (server == null) {
      return;
    }
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    server = null;
    executor = null;
  }

  private void exchange(HttpExchange ex) throws IOException {
    try (ex) {
      URI uri = ex.getRequestURI();
      Map<String, String> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> {
        if (!v.isEmpty()) {
          headers.put(k, v.get(0));
        }
      });
      byte[] body = MemoryApiHandler.readBody(ex.getRequestBody(), handler.maxBodyBytes());
      if (MemoryApiHandler.overLong(body, ex.getRequestHeaders().getFirst("Content-Length"), handler.maxBodyBytes())) {
        MemoryApiHandler.drain(ex.getRequestBody());
        ex.getResponseHeaders().set("Connection", "close");
      }
      MemoryApiHandler.Response r = handler.handle(new MemoryApiHandler.Request(
          // routed on the raw path, as the servlet is: "/api%2Fmemory" or "/api/memory;x" is no route
          ex.getRequestMethod().toUpperCase(java.util.Locale.ROOT), uri.getRawPath() == null ? "" : uri.getRawPath(),
          uri.getRawQuery(), headers, body));
      r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      // a HEAD answer has an empty body; the Content-Length header the handler set (the GET body's
      // length) is sent as is, since -1 below leaves the headers alone
      boolean noBody = r.body().length == 0 || "HEAD".equalsIgnoreCase(ex.getRequestMethod());
      ex.sendResponseHeaders(r.status(), noBody ? -1 : r.body().length);
      if (!noBody) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      }
    }
  }

  /** Builds a {@link MemoryApiServer}. Not thread-safe. */
  public static final class Builder {
    private final MemoryApiHandler.Builder handler;
    private int port = 9400;
    private String bindAddress = "127.0.0.1";
    private boolean allowNonLoopback;
    private boolean hasToken;
    private int threads = 4;

    private Builder(MemoryGovernor governor) {
      this.handler = MemoryApiHandler.builder(Objects.requireNonNull(governor, "governor"));
    }

    /** The port, 0-65535; 0 picks a free one (see {@link #port()}); default 9400. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("memgov http: port must be between 0 and 65535, but was " + port);
      }
      this.port = port;
      return this;
    }

    /** The address to bind, an IP literal or host name; default {@code 127.0.0.1}. */
    public Builder bindAddress(String address) {
      if (address == null || address.isBlank()) {
        throw new IllegalArgumentException("memgov http: bindAddress must be an IP address or host name, but was "
            + (address == null ? "null" : "blank"));
      }
      this.bindAddress = address.trim();
      return this;
    }

    /** The bearer token for changing calls (at least 16 characters); null for none. */
    public Builder token(String token) {
      handler.token(token);
      this.hasToken = token != null;
      return this;
    }

    /** Whether reads need the token too (the health endpoints stay open); default false. */
    public Builder protectReads(boolean protect) {
      handler.protectReads(protect);
      return this;
    }

    /** The largest request body, 64 bytes to 1 MiB; default 4096. */
    public Builder maxBodyBytes(int bytes) {
      handler.maxBodyBytes(bytes);
      return this;
    }

    /** Threads serving calls, 1-64; default 4. */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("memgov http: threads must be between 1 and 64, but was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Allows binding an address other than loopback without a token; default false. Only for a
     * network you trust: anyone who reaches the port can then run cleanups and clear caches. Bound
     * to such an address, the server then answers calls under any {@code Host} name (clients on
     * the network use the machine's names), which also lets a web page in a browser on that network
     * drive it through DNS rebinding; a token closes both.
     */
    public Builder allowNonLoopbackWithoutToken(boolean allow) {
      this.allowNonLoopback = allow;
      return this;
    }

    /**
     * Builds the server; it binds nothing until {@link #start()}.
     *
     * @throws IllegalArgumentException when the address is unknown, or is not loopback and no
     *     token is set (without {@link #allowNonLoopbackWithoutToken})
     */
    public MemoryApiServer build() {
      InetAddress addr;
      try {
        addr = InetAddress.getByName(bindAddress);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("memgov http: bindAddress must resolve, but '" + bindAddress + "' did not", e);
      }
      if (!addr.isLoopbackAddress() && !hasToken && !allowNonLoopback) {
        throw new IllegalArgumentException("memgov http: refusing to bind " + bindAddress
            + " (not loopback) without a token; set token(...) or allowNonLoopbackWithoutToken(true), or bind 127.0.0.1");
      }
      // without a token, only loopback Host names are answered; bound elsewhere on purpose, any
      handler.allowAnyHostWithoutToken(!addr.isLoopbackAddress() && allowNonLoopback);
      return new MemoryApiServer(this, addr, handler.build());
    }
  }
}
