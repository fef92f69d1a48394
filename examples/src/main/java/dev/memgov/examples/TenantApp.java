package dev.memgov.examples;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.memgov.cache.CacheMetrics;
import dev.memgov.cache.GovernedCache;
import dev.memgov.cache.ValueCodec;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.GovernorEvent;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.GovernorStatus;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.ThreadPoolGovernable;
import dev.memgov.core.metrics.MemoryGovernorMetrics;
import dev.memgov.core.sensor.MemorySensor;
import dev.memgov.jdbc.HikariGovernable;
import dev.memgov.jdbc.HikariGovernableMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small web tenant under memgov, the README's run command: a read-through cache of JSON-like
 * values with Zipf-skewed keys, database queries through HikariCP, periodic allocation spikes, a
 * live status line, the memgov HTTP API and a Prometheus endpoint on 127.0.0.1, and JMX.
 *
 * <pre>{@code java -jar examples/target/memgov-demo.jar --help}</pre>
 *
 * <p>Exit codes: 0 after Ctrl-C, SIGTERM or {@code --duration}; 1 when it cannot start; 2 for a
 * bad command line. This class is thread-safe: {@link #start()} and {@link #close()} are
 * synchronized, and {@code close()} is idempotent.
 */
public final class TenantApp implements AutoCloseable {

  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  private final DemoOptions options;
  private final Map<String, String> env;
  private final StatusLine status;
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private final LongAdder loads = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean started;

  private PrometheusMeterRegistry registry;
  private TenantDatabase db;
  private GovernedCache<Long, String> cache;
  private Workload workload;
  private AllocationSpikes spikes;
  private MemoryGovernor governor;
  private MemorySensor sensor;
  private DemoHttpServer http;
  private long lastReads;
  private long lastLoads;
  private long lastRequests;
  private long lastStatusNanos;

  TenantApp(DemoOptions options, Map<String, String> env, StatusLine status) {
    this.options = options;
    this.env = env;
    this.status = status;
  }

  /** Runs the app until Ctrl-C, SIGTERM or {@code --duration}; see the class comment for exit codes. */
  public static void main(String[] args) {
    PrintStream out = System.out;
    Launch launch = parseCommandLine(args, System.getenv(), Runtime.getRuntime().maxMemory(), out, System.err);
    if (!launch.shouldRun()) {
      System.exit(launch.exitCode());
      return;
    }
    DemoOptions o = launch.options();
    boolean terminal = System.console() != null;
    StatusLine line = new StatusLine(out, terminal, terminal ? StatusLine.terminalWidth() : () -> Integer.MAX_VALUE);
    if (line.terminal()) {
      System.setErr(line.around(System.err)); // log lines go above the status line, not into it
    }
    TenantApp app = new TenantApp(o, System.getenv(), line);
    CountDownLatch stop = new CountDownLatch(1);
    Shutdown.onSignals(stop);
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "memgov-demo-shutdown"));
    try {
      app.start();
    } catch (Exception | LinkageError e) {
      line.finish();
      System.err.println(startFailure(e));
      System.exit(EXIT_FAILED);
      return;
    }
    try {
      if (o.duration != null) {
        stop.await(o.duration.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        stop.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    app.close();
    System.exit(EXIT_OK);
  }

  /**
   * What to do with a command line: run with these options, or exit with this code (0 after
   * {@code --help}, 2 after a bad flag, whose message went to {@code err}).
   */
  record Launch(DemoOptions options, int exitCode) {
    boolean shouldRun() {
      return options != null;
    }
  }

  static Launch parseCommandLine(String[] args, Map<String, String> env, long maxHeap, PrintStream out,
      PrintStream err) {
    DemoOptions o;
    try {
      o = DemoOptions.parse(args, env, maxHeap);
      if (o.governor) {
        GovernorPolicy.fromEnvironment(env); // a bad MEMGOV_* variable is a usage error too
      }
    } catch (DemoOptions.UsageException | IllegalArgumentException e) {
      err.println("memgov demo: " + e.getMessage());
      err.println("Run with --help to see every flag.");
      return new Launch(null, EXIT_USAGE);
    }
    if (o.help) {
      out.print(DemoOptions.usage());
      out.flush();
      return new Launch(null, EXIT_OK);
    }
    return new Launch(o, -1);
  }

  /** The one line printed when the app cannot start: what failed and why. */
  static String startFailure(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    return "memgov demo: cannot start: " + (m.startsWith("memgov demo: ") ? m.substring("memgov demo: ".length()) : m);
  }

  /**
   * Builds and starts everything: metrics, database and pool, cache, workload, spikes, the
   * governor (unless {@code --no-governor}), the HTTP port and the status line. On failure what
   * was started is closed again.
   *
   * @throws Exception with a message that says what could not start and what to do
   */
  synchronized void start() throws Exception {
    try {
      startAll();
    } catch (Exception | LinkageError e) {
      close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    closeables.push(registry::close);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    closeables.push(gc);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);

    db = TenantDatabase.open(options.jdbcUrl, options.poolSize, options.keys,
        new MicrometerMetricsTrackerFactory(registry));
    closeables.push(db);

    JsonValues values = new JsonValues(options.valueMin, options.valueMax);
    var cacheBuilder = GovernedCache.<Long, String>builder("tenant-values", ValueCodec.utf8())
        .l1Budget(options.l1Budget)
        .compressWhenCut(options.compressWhenCut)
        .loader(key -> {
          loads.increment();
          try {
            return values.document(key, db.load(key));
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException("memgov demo: loading key " + key + " failed: " + e.getMessage(), e);
          }
        });
    if (options.redisUri != null) {
      cacheBuilder.redis(options.redisUri);
    }
    cache = cacheBuilder.build();
    closeables.push(cache);
    new CacheMetrics(cache).bindTo(registry);
    Workload.Store store = new Workload.Store() {
      @Override
      public String get(long key) {
        return cache.get(key);
      }

      @Override
      public void invalidate(long key) {
        cache.invalidate(key);
      }
    };

    workload = new Workload(options, store, db);
    closeables.push(workload);
    spikes = new AllocationSpikes(options.spikeBytes, options.spikePeriod, options.spikeHold);
    closeables.push(spikes);
    bindDemoMeters();

    DemoHttpServer.Api api = null;
    if (options.governor) {
      HikariGovernable pool = HikariGovernable.builder(db.dataSource()).threads(options.threads).build();
      governor = MemoryGovernor.builder()
          .name("tenant")
          .policy(GovernorPolicy.fromEnvironment(env))
          .governable(cache)
          .governable(pool)
          .governable(ThreadPoolGovernable.adopt("tenant-workers", workload.workers()))
          .build();
      closeables.push(governor);
      MemoryGovernorMetrics governorMetrics = new MemoryGovernorMetrics(governor);
      governorMetrics.bindTo(registry);
      closeables.push(governorMetrics);
      new HikariGovernableMetrics(pool).bindTo(registry);
      governor.subscribe(GovernorEvent.LevelChanged.class, this::onLevelChanged);
      governor.subscribe(GovernorEvent.CleanupCompleted.class, e -> status.event(cleanupText(e.report())));
      governor.start();
      api = MemoryApi.over(governor, options.token);
    } else {
      sensor = MemorySensor.system(GovernorPolicy.defaults(), dev.memgov.core.GovernorClock.system());
      closeables.push(sensor);
    }

    http = new DemoHttpServer(options.port, api, registry);
    http.start();
    closeables.push(http);

    workload.start();
    spikes.start();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(Workload.threads("demo-status"));
    closeables.push(ticker::shutdownNow);
    if (options.loadFor != null) {
      ticker.schedule(() -> {
        workload.pause();
        spikes.close();
        status.event("memgov demo: load stopped after " + durationText(options.loadFor) + "; idle from now on");
      }, options.loadFor.toMillis(), TimeUnit.MILLISECONDS);
    }
    Duration every = options.statusInterval != null ? options.statusInterval
        : status.terminal() ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
    lastStatusNanos = System.nanoTime();
    ticker.scheduleAtFixedRate(this::showStatus, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);

    String base = "http://127.0.0.1:" + http.port();
    status.event("memgov demo started (pid " + ProcessHandle.current().pid() + ", governor "
        + (governor != null ? "on" : "off") + ", L1 budget " + Bytes.format(options.l1Budget) + " of "
        + Bytes.format(Runtime.getRuntime().maxMemory()) + " max heap"
        + (options.redisUri != null ? ", Redis L2" : "") + ")");
    status.event("memgov demo listening on " + base + "  (try: curl " + base + "/api/memory ; curl " + base
        + "/metrics ; Ctrl-C stops)");
    started = true;
  }

  /** {@code 300ms}, {@code 20s}, {@code 1m30s}: the duration as a flag takes it, to the millisecond. */
  static String durationText(Duration d) {
    return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  /** The bound HTTP port (the free one picked for {@code --port 0}). */
  int port() {
    return http.port();
  }

  private void bindDemoMeters() {
    FunctionCounter.builder("demo.requests", workload.reads, LongAdder::sum).tag("kind", "read")
        .description("tenant requests that read a key through the cache").register(registry);
    FunctionCounter.builder("demo.requests", workload.writes, LongAdder::sum).tag("kind", "write")
        .description("tenant requests that updated a row and invalidated its key").register(registry);
    FunctionCounter.builder("demo.request.errors", workload.errors, LongAdder::sum)
        .description("tenant requests that failed").register(registry);
    FunctionCounter.builder("demo.requests.dropped", workload.dropped, LongAdder::sum)
        .description("requests the worker pool had no room for").register(registry);
    FunctionCounter.builder("demo.cache.loads", loads, LongAdder::sum)
        .description("cache misses loaded from the database").register(registry);
    Gauge.builder("demo.spike.held", spikes.heldBytes, Number::doubleValue).baseUnit("bytes")
        .description("bytes held by the current allocation spike").register(registry);
  }

  private void showStatus() {
    try {
      status.show(figures());
    } catch (RuntimeException e) {
      status.event("memgov demo: status failed: " + e);
    }
  }

  private StatusLine.Figures figures() {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastStatusNanos) / 1e9);
    lastStatusNanos = now;
    long reads = workload.reads.sum();
    long loaded = loads.sum();
    long requests = workload.requests();
    long dReads = reads - lastReads;
    long dLoads = loaded - lastLoads;
    long rps = Math.round((requests - lastRequests) / seconds);
    lastReads = reads;
    lastLoads = loaded;
    lastRequests = requests;
    double hitRate = dReads <= 0 ? Double.NaN : Math.max(0, 1 - (double) dLoads / dReads);

    String level;
    String signal;
    double ratio;
    String lastCleanup = "-";
    MemorySnapshot s;
    if (governor != null) {
      GovernorStatus st = governor.status();
      s = st.snapshot();
      level = st.level().name();
      signal = st.pressure().governing().name().toLowerCase(Locale.ROOT);
      ratio = st.pressure().governingRatio();
      List<CleanupReport> recent = st.recentCleanups();
      if (!recent.isEmpty()) {
        CleanupReport r = recent.get(recent.size() - 1);
        long ago = Math.max(0, (System.currentTimeMillis() - r.startedAtMillis()) / 1000);
        lastCleanup = r.level().wireName() + " (" + r.trigger().wireName() + ") " + ago + "s ago -"
            + Bytes.compact(r.reclaimedBytes());
      }
    } else {
      s = sensor.sample();
      level = "off";
      signal = "heap";
      ratio = s.heapRatio();
    }
    long heapAfterGc = s == null ? -1 : s.oldGenAfterGc();
    // what the heap ratio is over: the old generation's max (the heap's under G1)
    long heapMax = s == null ? Runtime.getRuntime().maxMemory() : s.heapLimit();
    HikariDataSource ds = db.dataSource();
    HikariPoolMXBean pool = ds.getHikariPoolMXBean();
    return new StatusLine.Figures(level, signal, ratio, heapAfterGc, heapMax, s == null ? -1 : s.rss(),
        s == null ? -1 : s.containerUsage(), s == null ? Long.MAX_VALUE : s.containerLimit(),
        cache.footprintBytes(), cache.currentBudget(), cache.admissionStopped(), hitRate,
        pool == null ? 0 : pool.getActiveConnections(), pool == null ? 0 : pool.getTotalConnections(),
        ds.getMaximumPoolSize(), rps, lastCleanup);
  }

  /** Prints the change; at EMERGENCY the app sheds load, as memgov asks: it skips its spikes. */
  private void onLevelChanged(GovernorEvent.LevelChanged e) {
    status.event("memgov level " + e.from() + " -> " + e.to() + " (" + governing(e.pressure()) + ")");
    boolean shed = e.to() == PressureLevel.EMERGENCY;
    if (shed != spikes.paused() && spikes.spikeBytes() > 0) {
      spikes.pause(shed);
      status.event(shed ? "demo sheds load at EMERGENCY: allocation spikes paused"
          : "demo resumes allocation spikes (level " + e.to() + ")");
    }
  }

  private static String governing(Pressure p) {
    return p.governing().name().toLowerCase(Locale.ROOT) + " " + StatusLine.percent(p.governingRatio());
  }

  static String cleanupText(CleanupReport r) {
    return "memgov cleanup " + r.level().wireName() + " (" + r.trigger().wireName() + ", " + governing(r.pressureBefore())
        + "): reclaimed " + Bytes.format(r.reclaimedBytes()) + " in "
        + TimeUnit.NANOSECONDS.toMillis(r.durationNanos()) + " ms";
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      System.err.println("memgov demo: while stopping: " + e);
    }
  }

  /** Stops the workload, then closes everything in reverse order of start. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // the workload and the spikes first (closing them again below does nothing): no request runs
    // while the API, the governor, the cache and the pool close
    for (AutoCloseable c : new AutoCloseable[] {workload, spikes}) {
      if (c != null) {
        closeQuietly(c);
      }
    }
    while (!closeables.isEmpty()) {
      closeQuietly(closeables.pop());
    }
    if (started) {
      status.finish();
      status.event("memgov demo stopped cleanly");
    }
  }
}
