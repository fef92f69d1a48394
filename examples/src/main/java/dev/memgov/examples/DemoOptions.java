package dev.memgov.examples;

import dev.memgov.core.GovernorPolicy;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tenant app's command line, parsed and checked. Each flag is checked where it is read, with
 * a message that names the flag, the rule and the value; a bad command line changes nothing and
 * ends the app with exit code 2. This class is immutable and thread-safe.
 */
final class DemoOptions {

  static final String REDIS_ENV = "MEMGOV_REDIS_URI";
  static final String DEFAULT_JDBC_URL = "jdbc:h2:mem:memgov-demo;DB_CLOSE_DELAY=-1";
  private static final long MIB = 1L << 20;
  /** The default spike is 10 % of the max heap, but no more than this (big default heaps). */
  static final long DEFAULT_SPIKE_CAP = 256 * MIB;

  final boolean help;
  final int port;
  final boolean governor;
  final String redisUri;
  final String jdbcUrl;
  final int poolSize;
  final int rate;
  final int threads;
  final int keys;
  final int valueMin;
  final int valueMax;
  final double skew;
  final int writePercent;
  final long spikeBytes;
  final Duration spikePeriod;
  final Duration spikeHold;
  final Duration duration;
  final Duration loadFor;
  final long l1Budget;
  final boolean compressWhenCut;
  final Duration statusInterval;
  final String token;

  private DemoOptions(Parser p) {
    help = p.help;
    port = p.port;
    governor = p.governor;
    redisUri = p.redisUri;
    jdbcUrl = p.jdbcUrl;
    poolSize = p.poolSize;
    rate = p.rate;
    threads = p.threads;
    keys = p.keys;
    valueMin = p.valueMin;
    valueMax = p.valueMax;
    skew = p.skew;
    writePercent = p.writePercent;
    spikeBytes = p.spikeBytes;
    spikePeriod = p.spikePeriod;
    spikeHold = p.spikeHold;
    duration = p.duration;
    loadFor = p.loadFor;
    l1Budget = p.l1Budget;
    compressWhenCut = p.compressWhenCut;
    statusInterval = p.statusInterval;
    token = p.token;
  }

  /**
   * Parses the command line. {@code --flag value} and {@code --flag=value} are both accepted.
   *
   * @param env the environment, read for {@value #REDIS_ENV}
   * @param maxHeap the JVM's max heap, for percentages and the defaults that depend on it
   * @throws UsageException for an unknown flag, a missing value or a value out of range
   */
  static DemoOptions parse(String[] args, Map<String, String> env, long maxHeap) throws UsageException {
    return new Parser(env, maxHeap).parse(args).build();
  }

  /** The --help text: every flag, its default and what it accepts. */
  static String usage() {
    return String.join("\n",
        "Usage: java [-Xmx...] -jar memgov-demo.jar [flags]",
        "",
        "A small web tenant under memgov: a read-through cache of JSON-like values with Zipf-skewed",
        "keys, database queries through HikariCP, periodic allocation spikes, a live status line,",
        "the memgov HTTP API and a Prometheus endpoint on 127.0.0.1, and JMX.",
        "",
        "Flags (--flag value or --flag=value):",
        "  --port N              HTTP port on 127.0.0.1 for /api/memory and /metrics; 0 picks a free",
        "                        port (default 8080)",
        "  --no-governor         the same app with memgov off (for comparisons)",
        "  --token T             bearer token (16+ characters) for the API's changing calls (default none)",
        "  --redis URI           Redis L2 for the cache, redis://host:port (default: env " + REDIS_ENV + ",",
        "                        else no L2)",
        "  --jdbc-url URL        database for the pool and the loader (default H2 in memory)",
        "  --pool-size N         HikariCP maximum pool size, 1-1000 (default 10)",
        "  --rate N              requests per second, 0 = as fast as the threads go (default 1000)",
        "  --threads N           worker threads, 1-256 (default 4)",
        "  --keys N              key space, 1-100000000 (default 100000)",
        "  --value-size MIN-MAX  value sizes, log-uniform per key, 64 B-16 MiB; 4k = fixed size",
        "                        (default 0.5k-16k)",
        "  --skew S              Zipf exponent of key popularity, 0 (uniform) to 5 (default 1.0)",
        "  --write-percent P     requests that update their row and invalidate the key, 0-100",
        "                        (default 5)",
        "  --spike SIZE|P%       bytes allocated by each spike, or a share of the max heap;",
        "                        0 = no spikes (default 10% of the max heap, at most 256m)",
        "  --spike-period D      time between spikes, at least 100ms (default 30s)",
        "  --spike-hold D        how long a spike is held, shorter than the period (default 3s)",
        "  --duration D          stop by itself after D (default: run until Ctrl-C / SIGTERM)",
        "  --load-for D          stop the requests and spikes after D and stay up idle, to watch",
        "                        what memory comes back (default: load until the end)",
        "  --l1-budget SIZE|P%   the cache's L1 budget, at least 1m, at most the max heap",
        "                        (default 50% of the max heap)",
        "  --compress-when-cut   keep large cache values LZ4-compressed from the first pressure",
        "                        cut until the budget is restored (default: from aggressive only)",
        "  --status-interval D   status line interval, 100ms-1h (default 1s on a terminal, 5s",
        "                        otherwise)",
        "  -h, --help            this text",
        "",
        "Sizes: bytes or with k, m, g (binary), decimals allowed (0.5k = 512).",
        "Durations: 500ms, 5s, 2m, 1h or ISO-8601 (PT5S).",
        "Governor policy: MEMGOV_* environment variables (see the README), e.g. MEMGOV_WARNING_PERCENT.",
        "",
        "On 127.0.0.1:PORT: GET /api/memory, POST /api/memory/optimize, DELETE /api/memory/cache,",
        "GET /api/memory/history, GET /api/health, GET /api/simple-health, GET /metrics (Prometheus).",
        "JMX: MBeans under dev.memgov (and HikariCP's) on the platform MBean server, e.g. jconsole.",
        "Exit codes: 0 after Ctrl-C, SIGTERM or --duration; 1 when it cannot start; 2 for a bad flag.",
        "");
  }

  /** A command-line error; its message says what was wrong and what is accepted. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private static final class Parser {
    private final Map<String, String> env;
    private final long maxHeap;
    private final Set<String> seen = new HashSet<>();

    boolean help;
    int port = 8080;
    boolean governor = true;
    String redisUri;
    String jdbcUrl = DEFAULT_JDBC_URL;
    int poolSize = 10;
    int rate = 1000;
    int threads = 4;
    int keys = 100_000;
    int valueMin = 512;
    int valueMax = 16 * 1024;
    double skew = 1.0;
    int writePercent = 5;
    long spikeBytes;
    Duration spikePeriod = Duration.ofSeconds(30);
    Duration spikeHold = Duration.ofSeconds(3);
    Duration duration;
    Duration loadFor;
    long l1Budget;
    boolean compressWhenCut;
    Duration statusInterval;
    String token;

    Parser(Map<String, String> env, long maxHeap) {
      this.env = env;
      this.maxHeap = maxHeap;
      this.spikeBytes = Math.min(maxHeap / 10, DEFAULT_SPIKE_CAP);
      this.l1Budget = maxHeap / 2;
    }

    Parser parse(String[] args) throws UsageException {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        String flag = arg;
        String value = null;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0) {
          flag = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        }
        if (!flag.startsWith("-")) {
          throw new UsageException("unexpected argument '" + arg + "': flags start with --; see --help");
        }
        if (!seen.add(flag) && !flag.equals("-h") && !flag.equals("--help")) {
          throw new UsageException(flag + " was given twice; give each flag once");
        }
        switch (flag) {
          case "-h":
          case "--help":
            help = true;
            continue;
          case "--no-governor":
            if (value != null) {
              throw new UsageException("--no-governor takes no value, but was given '" + value + "'");
            }
            governor = false;
            continue;
          case "--compress-when-cut":
            if (value != null) {
              throw new UsageException("--compress-when-cut takes no value, but was given '" + value + "'");
            }
            compressWhenCut = true;
            continue;
          default:
            break;
        }
        if (!FLAGS_WITH_VALUE.contains(flag)) {
          throw new UsageException("unknown flag '" + flag + "'; see --help for the accepted flags");
        }
        if (value == null) {
          if (i + 1 >= args.length || (args[i + 1].startsWith("--") && !args[i + 1].equals("--"))) {
            throw new UsageException(flag + " needs a value; see --help");
          }
          value = args[++i];
        }
        apply(flag, value);
      }
      if (redisUri == null) {
        String fromEnv = env.get(REDIS_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
          redisUri = checkRedis(REDIS_ENV, fromEnv.trim());
        }
      }
      return this;
    }

    private void apply(String flag, String v) throws UsageException {
      switch (flag) {
        case "--port":
          port = intIn(flag, v, 0, 65535);
          break;
        case "--token":
          if (v.length() < 16 || v.chars().anyMatch(Character::isWhitespace)) {
            throw new UsageException("--token must be at least 16 characters without whitespace, but was "
                + v.length() + " characters; generate one, e.g. openssl rand -hex 24");
          }
          token = v;
          break;
        case "--redis":
          redisUri = checkRedis(flag, v.trim());
          break;
        case "--jdbc-url":
          if (!v.startsWith("jdbc:")) {
            throw new UsageException("--jdbc-url must start with jdbc:, but was '" + v + "'");
          }
          jdbcUrl = v;
          break;
        case "--pool-size":
          poolSize = intIn(flag, v, 1, 1000);
          break;
        case "--rate":
          rate = intIn(flag, v, 0, 1_000_000);
          break;
        case "--threads":
          threads = intIn(flag, v, 1, 256);
          break;
        case "--keys":
          keys = intIn(flag, v, 1, 100_000_000);
          break;
        case "--value-size":
          valueSizes(flag, v);
          break;
        case "--skew":
          skew = doubleIn(flag, v, 0, 5);
          break;
        case "--write-percent":
          writePercent = intIn(flag, v, 0, 100);
          break;
        case "--spike":
          spikeBytes = sizeOrPercent(flag, v, 0, "0");
          break;
        case "--spike-period":
          spikePeriod = durationIn(flag, v, Duration.ofMillis(100), Duration.ofDays(1));
          break;
        case "--spike-hold":
          spikeHold = durationIn(flag, v, Duration.ZERO, Duration.ofDays(1));
          break;
        case "--duration":
          duration = durationIn(flag, v, Duration.ofMillis(100), Duration.ofDays(365));
          break;
        case "--load-for":
          loadFor = durationIn(flag, v, Duration.ofMillis(100), Duration.ofDays(365));
          break;
        case "--l1-budget":
          l1Budget = sizeOrPercent(flag, v, MIB, "1m");
          if (l1Budget > maxHeap) {
            throw new UsageException(flag + " must be at most the max heap (" + Bytes.format(maxHeap)
                + "), but was '" + v + "'; raise -Xmx or give a share such as 50%");
          }
          break;
        case "--status-interval":
          statusInterval = durationIn(flag, v, Duration.ofMillis(100), Duration.ofHours(1));
          break;
        default:
          throw new AssertionError(flag);
      }
    }

    DemoOptions build() throws UsageException {
      if (spikeBytes > 0 && spikeHold.compareTo(spikePeriod) >= 0) {
        throw new UsageException("--spike-hold must be shorter than --spike-period (" + text(spikePeriod)
            + "), but was " + text(spikeHold));
      }
      return new DemoOptions(this);
    }

    private void valueSizes(String flag, String v) throws UsageException {
      int dash = v.indexOf('-');
      long min;
      long max;
      try {
        if (dash < 0) {
          min = Bytes.parse(v);
          max = min;
        } else {
          min = Bytes.parse(v.substring(0, dash));
          max = Bytes.parse(v.substring(dash + 1));
        }
      } catch (IllegalArgumentException e) {
        throw new UsageException(flag + " must be MIN-MAX or one size (e.g. 0.5k-16k or 4k), but was '" + v + "'");
      }
      if (min < 64 || max > 16 * MIB || min > max) {
        throw new UsageException(flag + " must be sizes between 64 and 16m with MIN <= MAX, but was '" + v + "'");
      }
      valueMin = (int) min;
      valueMax = (int) max;
    }

    private long sizeOrPercent(String flag, String v, long min, String minText) throws UsageException {
      String s = v.trim();
      long bytes;
      if (s.endsWith("%")) {
        double percent = Bytes.decimal(s.substring(0, s.length() - 1));
        if (!(percent >= 0 && percent <= 100)) {
          throw new UsageException(flag + " must be a size (e.g. 256m) or a share of the max heap between 0% and"
              + " 100%, but was '" + v + "'");
        }
        bytes = (long) (maxHeap * percent / 100);
      } else {
        try {
          bytes = Bytes.parse(s);
        } catch (IllegalArgumentException e) {
          throw new UsageException(flag + " must be a size (e.g. 256m) or a share of the max heap (e.g. 25%),"
              + " but was '" + v + "'");
        }
      }
      if (bytes < min && !(bytes == 0 && min == 0)) {
        throw new UsageException(flag + " must be at least " + minText + ", but was '" + v + "'");
      }
      return bytes;
    }

    private static String checkRedis(String name, String v) throws UsageException {
      String lower = v.toLowerCase(Locale.ROOT);
      if (!(lower.startsWith("redis://") || lower.startsWith("rediss://"))
          || v.substring(v.indexOf("://") + 3).isBlank()) {
        throw new UsageException(name + " must be a redis:// or rediss:// URI (e.g. redis://127.0.0.1:6379), but was '"
            + v + "'");
      }
      return v;
    }

    private static int intIn(String flag, String v, int min, int max) throws UsageException {
      long n;
      try {
        n = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new UsageException(flag + " must be a whole number between " + min + " and " + max + ", but was '" + v + "'");
      }
      if (n < min || n > max) {
        throw new UsageException(flag + " must be between " + min + " and " + max + ", but was " + n);
      }
      return (int) n;
    }

    private static double doubleIn(String flag, String v, double min, double max) throws UsageException {
      double d = Bytes.decimal(v);
      if (!(d >= min && d <= max)) {
        throw new UsageException(flag + " must be a number between " + min + " and " + max + ", but was '" + v + "'");
      }
      return d;
    }

    private static Duration durationIn(String flag, String v, Duration min, Duration max) throws UsageException {
      Duration d;
      try {
        d = GovernorPolicy.parseDuration(v);
      } catch (IllegalArgumentException e) {
        throw new UsageException(flag + " " + e.getMessage());
      }
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new UsageException(flag + " must be between " + text(min) + " and " + text(max) + ", but was '" + v + "'");
      }
      return d;
    }

    private static String text(Duration d) {
      return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
  }

  private static final Set<String> FLAGS_WITH_VALUE = Set.of(
      "--port", "--token", "--redis", "--jdbc-url", "--pool-size", "--rate", "--threads", "--keys",
      "--value-size", "--skew", "--write-percent", "--spike", "--spike-period", "--spike-hold",
      "--duration", "--load-for", "--l1-budget", "--status-interval");
}
