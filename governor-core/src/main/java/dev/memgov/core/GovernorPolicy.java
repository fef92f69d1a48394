package dev.memgov.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;

/**
 * The policy in force: thresholds, hysteresis, timing of ticks, settling, cooldowns and restore,
 * and which JVM actions are allowed.
 *
 * <p>Build one with {@link #builder()}, or read one from properties ({@code memgov.*} keys) or
 * environment variables ({@code MEMGOV_*}). Nothing reads them on its own: a governor built
 * without {@code policy(...)} uses {@link #defaults()}, so an app that wants {@code MEMGOV_*}
 * variables or {@code -Dmemgov.*} system properties to apply passes {@code
 * fromEnvironment(System.getenv())} or {@code fromProperties(System.getProperties())}.
 *
 * <p>Each setter checks its own value; {@link Builder#build()} checks the combination. A bad
 * value is rejected with a message naming the key, the rule and the value, for example {@code
 * "warningPercent must be between 1 and 99, but was 120"}.
 *
 * <p>This class is immutable and thread-safe.
 */
public final class GovernorPolicy {

  private final int warningPercent;
  private final int criticalPercent;
  private final int emergencyPercent;
  private final int hysteresisPoints;
  private final Duration tickInterval;
  private final Duration settleWindow;
  private final Duration calmWindow;
  private final Map<CleanupLevel, Duration> cooldowns;
  private final int restoreStepPercent;
  private final long rssLimitBytes;
  private final Duration gcOverheadWindow;
  private final int historySize;
  private final int leakGcCount;
  private final boolean gcTriggerEnabled;
  private final boolean timerTriggerEnabled;
  private final boolean systemGcEnabled;
  private final Duration heapConfirmInterval;
  private final boolean nativeTrimEnabled;
  private final boolean spikeHeadroomEnabled;
  private final Duration idleUncommitInterval;
  private final Duration idleAfter;
  private final int idleCacheShedPercent;

  private GovernorPolicy(Builder b) {
    this.warningPercent = b.warningPercent;
    this.criticalPercent = b.criticalPercent;
    this.emergencyPercent = b.emergencyPercent;
    this.hysteresisPoints = b.hysteresisPoints;
    this.tickInterval = b.tickInterval;
    this.settleWindow = b.settleWindow;
    this.calmWindow = b.calmWindow;
    this.cooldowns = Map.copyOf(b.cooldowns);
    this.restoreStepPercent = b.restoreStepPercent;
    this.rssLimitBytes = b.rssLimitBytes;
    this.gcOverheadWindow = b.gcOverheadWindow;
    this.historySize = b.historySize;
    this.leakGcCount = b.leakGcCount;
    this.gcTriggerEnabled = b.gcTriggerEnabled;
    this.timerTriggerEnabled = b.timerTriggerEnabled;
    this.systemGcEnabled = b.systemGcEnabled;
    this.heapConfirmInterval = b.heapConfirmInterval;
    this.nativeTrimEnabled = b.nativeTrimEnabled;
    this.spikeHeadroomEnabled = b.spikeHeadroomEnabled;
    this.idleUncommitInterval = b.idleUncommitInterval;
    this.idleAfter = b.idleAfter;
    this.idleCacheShedPercent = b.idleCacheShedPercent;
  }

  /** The defaults: 70 / 85 / 92 %, 5 points of hysteresis, a 1 s tick. */
  public static GovernorPolicy defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this policy's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.warningPercent = warningPercent;
    b.criticalPercent = criticalPercent;
    b.emergencyPercent = emergencyPercent;
    b.hysteresisPoints = hysteresisPoints;
    b.tickInterval = tickInterval;
    b.settleWindow = settleWindow;
    b.calmWindow = calmWindow;
    b.cooldowns.putAll(cooldowns);
    b.restoreStepPercent = restoreStepPercent;
    b.rssLimitBytes = rssLimitBytes;
    b.gcOverheadWindow = gcOverheadWindow;
    b.historySize = historySize;
    b.leakGcCount = leakGcCount;
    b.gcTriggerEnabled = gcTriggerEnabled;
    b.timerTriggerEnabled = timerTriggerEnabled;
    b.systemGcEnabled = systemGcEnabled;
    b.heapConfirmInterval = heapConfirmInterval;
    b.nativeTrimEnabled = nativeTrimEnabled;
    b.spikeHeadroomEnabled = spikeHeadroomEnabled;
    b.idleUncommitInterval = idleUncommitInterval;
    b.idleAfter = idleAfter;
    b.idleCacheShedPercent = idleCacheShedPercent;
    return b;
  }

  /**
   * Reads a policy from properties with {@code memgov.} keys (see {@link Key}); absent keys keep
   * their defaults.
   *
   * @throws IllegalArgumentException naming the key, the rule and the value of the first bad entry
   */
  public static GovernorPolicy fromProperties(Properties properties) {
    Objects.requireNonNull(properties, "properties");
    return read(key -> properties.getProperty(key.property()), Key::property);
  }

  /**
   * Reads a policy from environment variables with {@code MEMGOV_} names (see {@link Key});
   * absent variables keep their defaults. Pass {@code System.getenv()} for the real environment.
   *
   * @throws IllegalArgumentException naming the variable, the rule and the value of the first bad one
   */
  public static GovernorPolicy fromEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    return read(key -> environment.get(key.env()), Key::env);
  }

  private static GovernorPolicy read(Function<Key, String> source, Function<Key, String> nameOf) {
    Builder b = builder();
    List<String> given = new ArrayList<>();
    for (Key key : Key.values()) {
      String raw = source.apply(key);
      if (raw == null || raw.isBlank()) {
        continue;
      }
      try {
        key.apply(b, raw.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(nameOf.apply(key) + ": " + e.getMessage(), e);
      }
      given.add(nameOf.apply(key) + "=" + raw.trim());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      // a rule over two settings (thresholds rising, hysteresis below warning): name what was given
      throw new IllegalArgumentException(String.join(", ", given) + " (the rest at their defaults): "
          + e.getMessage(), e);
    }
  }

  public int warningPercent() {
    return warningPercent;
  }

  public int criticalPercent() {
    return criticalPercent;
  }

  public int emergencyPercent() {
    return emergencyPercent;
  }

  /** Points below a level's threshold the governing figure must fall before the level is left. */
  public int hysteresisPoints() {
    return hysteresisPoints;
  }

  /** The threshold of a level as a fraction (0.70 for the default WARNING); 0 for NORMAL. */
  public double threshold(PressureLevel level) {
    return percent(level) / 100.0;
  }

  /** A level's threshold in whole percent; 0 for NORMAL. */
  private int percent(PressureLevel level) {
    switch (level) {
      case WARNING:
        return warningPercent;
      case CRITICAL:
        return criticalPercent;
      case EMERGENCY:
        return emergencyPercent;
      default:
        return 0;
    }
  }

  /**
   * The lower edge of a level: threshold minus hysteresis as a fraction, computed in whole points
   * (0.65 for the default WARNING: (70 - 5) / 100.0, where 0.70 - 0.05 is 0.6499999999999999).
   * A level is kept while its figure stays at or above it; 0 for NORMAL.
   */
  public double lowerEdge(PressureLevel level) {
    return level == PressureLevel.NORMAL ? 0.0 : (percent(level) - hysteresisPoints) / 100.0;
  }

  /** Hysteresis as a fraction (0.05 by default). */
  public double hysteresis() {
    return hysteresisPoints / 100.0;
  }

  /** How often the timer trigger ticks. */
  public Duration tickInterval() {
    return tickInterval;
  }

  /** How long a cleanup has to bring pressure under its threshold before the next tick escalates. */
  public Duration settleWindow() {
    return settleWindow;
  }

  /**
   * How long the figure must stay below WARNING minus hysteresis, and how long since the last
   * standard-or-higher cleanup, before budgets grow back.
   */
  public Duration calmWindow() {
    return calmWindow;
  }

  /** The minimum time between two cleanups at this level (a manual {@code force} overrides it). */
  public Duration cooldown(CleanupLevel level) {
    return cooldowns.get(level);
  }

  /** Each restore step grows a budget by this share of its configured value, 1-100. */
  public int restoreStepPercent() {
    return restoreStepPercent;
  }

  /** The configured RSS limit for the process in bytes, or -1 when none is set. */
  public long rssLimitBytes() {
    return rssLimitBytes;
  }

  /** The window over which GC overhead is measured. */
  public Duration gcOverheadWindow() {
    return gcOverheadWindow;
  }

  /** How many snapshots and level changes the history ring keeps. */
  public int historySize() {
    return historySize;
  }

  /**
   * How many GCs must raise the live set less what the governables hold while it stands above half
   * the heap's max, before any collection reclaimed old-generation space, for a leak to be
   * suspected: the test for a leak that leaves the collector nothing to reclaim. Once collections
   * reclaim, the floors they leave decide, whatever this count (see {@link
   * dev.memgov.core.policy.TrendEstimator}).
   */
  public int leakGcCount() {
    return leakGcCount;
  }

  /** Whether a GC notification triggers a tick. */
  public boolean gcTriggerEnabled() {
    return gcTriggerEnabled;
  }

  /** Whether the periodic timer triggers ticks. */
  public boolean timerTriggerEnabled() {
    return timerTriggerEnabled;
  }

  /**
   * Whether the governor may run {@code System.gc()}. It gates every GC memgov requests: the JVM
   * governable's GC in {@code aggressive} and {@code emergency} cleanups, and in {@code standard}
   * ones when the RSS or container signal governs (off, the {@code MaxHeapFreeRatio} that such
   * pressure lowers is left alone too, as no GC would apply it); the heap confirmation GC (see
   * {@link #heapConfirmInterval()}); and the GC of the idle give-back (see {@link #idleAfter()}).
   */
  public boolean systemGcEnabled() {
    return systemGcEnabled;
  }

  /**
   * The least time between two confirming GCs, or {@link Duration#ZERO} for none. When the heap
   * figure came from a young or mixed GC (an upper bound: it still holds everything promoted since
   * the last whole-heap GC, dead or alive) and reads at or above the CRITICAL threshold, the
   * governor runs one {@code System.gc()} and acts on that collection's figure instead, so garbage
   * the JVM has not yet marked never wipes a cache. Within the interval of the last confirmation it
   * acts on the figure as read, unless a cleanup has reclaimed memory since (what it evicted lies in
   * the old generation until a whole-heap GC). Needs {@link #systemGcEnabled()}.
   */
  public Duration heapConfirmInterval() {
    return heapConfirmInterval;
  }

  /**
   * Whether the governor may trim the native heap (where the JVM can): in {@code aggressive} and
   * {@code emergency} cleanups, in {@code standard} ones when the RSS or container signal governs,
   * and in the idle give-back (see {@link #idleAfter()}).
   */
  public boolean nativeTrimEnabled() {
    return nativeTrimEnabled;
  }

  /**
   * Whether a WARNING is answered with a {@code standard} trim at once when a resident figure (the
   * container's working set over its limit, or the RSS over {@link #rssLimitBytes()}) plus its
   * largest rise of the last two minutes reaches EMERGENCY, whichever signal governs: the next
   * spike of that size would reach the limit before the settle window is over. The rises are
   * measured and published (status, gauge) either way.
   */
  public boolean spikeHeadroomEnabled() {
    return spikeHeadroomEnabled;
  }

  /**
   * The periodic-GC interval set so an idle JVM returns committed heap to the OS
   * ({@code G1PeriodicGCInterval}), or {@link Duration#ZERO} to leave the JVM's setting alone.
   */
  public Duration idleUncommitInterval() {
    return idleUncommitInterval;
  }

  /**
   * How long the process must be quiet — no GC completed and heap use grown by less than 1 % of the
   * heap's maximum — before the governor runs its one idle give-back (a light cleanup, then one GC
   * with a low {@code MaxHeapFreeRatio} and a native trim), once per idle period; {@link
   * Duration#ZERO} turns it off.
   */
  public Duration idleAfter() {
    return idleAfter;
  }

  /**
   * The share of what the caches hold that the idle give-back evicts first (a {@code standard}
   * cleanup of the caches only, sized to it, at most half of each cache), 0-50; 0 (the default)
   * evicts nothing. Budgets grow back by the usual restore steps; the evicted entries are reloaded
   * on demand.
   */
  public int idleCacheShedPercent() {
    return idleCacheShedPercent;
  }

  /**
   * Every setting by its camel-case key name ({@link Key#camel()}, e.g. {@code rssLimit}, {@code
   * gcTrigger}, {@code cooldownLight}), in a stable order, for status views and logs.
   */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Key key : Key.values()) {
      m.put(key.camel(), key.read(this));
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GovernorPolicy && asMap().equals(((GovernorPolicy) o).asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    return "GovernorPolicy" + asMap();
  }

  /**
   * The configuration keys. Property names are {@code memgov.} plus the kebab-case name,
   * environment variables {@code MEMGOV_} plus the upper snake-case name. Durations accept
   * ISO-8601 ({@code PT5S}) or a number with a unit ({@code 500ms}, {@code 5s}, {@code 2m}); sizes
   * accept bytes or a number with {@code k}, {@code m} or {@code g}.
   */
  public enum Key {
    WARNING_PERCENT("warningPercent", (b, v) -> b.warningPercent(parseInt(v)), p -> p.warningPercent),
    CRITICAL_PERCENT("criticalPercent", (b, v) -> b.criticalPercent(parseInt(v)), p -> p.criticalPercent),
    EMERGENCY_PERCENT("emergencyPercent", (b, v) -> b.emergencyPercent(parseInt(v)), p -> p.emergencyPercent),
    HYSTERESIS_POINTS("hysteresisPoints", (b, v) -> b.hysteresisPoints(parseInt(v)), p -> p.hysteresisPoints),
    TICK_INTERVAL("tickInterval", (b, v) -> b.tickInterval(parseDuration(v)), p -> p.tickInterval),
    SETTLE_WINDOW("settleWindow", (b, v) -> b.settleWindow(parseDuration(v)), p -> p.settleWindow),
    CALM_WINDOW("calmWindow", (b, v) -> b.calmWindow(parseDuration(v)), p -> p.calmWindow),
    COOLDOWN_LIGHT("cooldownLight", (b, v) -> b.cooldown(CleanupLevel.LIGHT, parseDuration(v)), p -> p.cooldown(CleanupLevel.LIGHT)),
    COOLDOWN_STANDARD("cooldownStandard", (b, v) -> b.cooldown(CleanupLevel.STANDARD, parseDuration(v)), p -> p.cooldown(CleanupLevel.STANDARD)),
    COOLDOWN_AGGRESSIVE("cooldownAggressive", (b, v) -> b.cooldown(CleanupLevel.AGGRESSIVE, parseDuration(v)), p -> p.cooldown(CleanupLevel.AGGRESSIVE)),
    COOLDOWN_EMERGENCY("cooldownEmergency", (b, v) -> b.cooldown(CleanupLevel.EMERGENCY, parseDuration(v)), p -> p.cooldown(CleanupLevel.EMERGENCY)),
    RESTORE_STEP_PERCENT("restoreStepPercent", (b, v) -> b.restoreStepPercent(parseInt(v)), p -> p.restoreStepPercent),
    RSS_LIMIT("rssLimit", (b, v) -> b.rssLimitBytes(parseSize(v)), p -> p.rssLimitBytes),
    GC_OVERHEAD_WINDOW("gcOverheadWindow", (b, v) -> b.gcOverheadWindow(parseDuration(v)), p -> p.gcOverheadWindow),
    HISTORY_SIZE("historySize", (b, v) -> b.historySize(parseInt(v)), p -> p.historySize),
    LEAK_GC_COUNT("leakGcCount", (b, v) -> b.leakGcCount(parseInt(v)), p -> p.leakGcCount),
    GC_TRIGGER("gcTrigger", (b, v) -> b.gcTriggerEnabled(parseBoolean(v)), p -> p.gcTriggerEnabled),
    TIMER_TRIGGER("timerTrigger", (b, v) -> b.timerTriggerEnabled(parseBoolean(v)), p -> p.timerTriggerEnabled),
    SYSTEM_GC("systemGc", (b, v) -> b.systemGcEnabled(parseBoolean(v)), p -> p.systemGcEnabled),
    HEAP_CONFIRM_INTERVAL("heapConfirmInterval", (b, v) -> b.heapConfirmInterval(parseDuration(v)), p -> p.heapConfirmInterval),
    NATIVE_TRIM("nativeTrim", (b, v) -> b.nativeTrimEnabled(parseBoolean(v)), p -> p.nativeTrimEnabled),
    SPIKE_HEADROOM("spikeHeadroom", (b, v) -> b.spikeHeadroomEnabled(parseBoolean(v)), p -> p.spikeHeadroomEnabled),
    IDLE_UNCOMMIT_INTERVAL("idleUncommitInterval", (b, v) -> b.idleUncommitInterval(parseDuration(v)), p -> p.idleUncommitInterval),
    IDLE_AFTER("idleAfter", (b, v) -> b.idleAfter(parseDuration(v)), p -> p.idleAfter),
    IDLE_CACHE_SHED_PERCENT("idleCacheShedPercent", (b, v) -> b.idleCacheShedPercent(parseInt(v)), p -> p.idleCacheShedPercent);

    private final String camel;
    private final java.util.function.BiConsumer<Builder, String> apply;
    private final Function<GovernorPolicy, Object> read;

    Key(String camel, java.util.function.BiConsumer<Builder, String> apply, Function<GovernorPolicy, Object> read) {
      this.camel = camel;
      this.apply = apply;
      this.read = read;
    }

    /**
     * The setting's camel-case name, e.g. {@code warningPercent}: the key of {@link
     * GovernorPolicy#asMap()}. For most settings it is also the builder method's name; not for
     * {@code cooldownLight} and the other cooldowns ({@code cooldown(level, duration)}), {@code
     * rssLimit} ({@code rssLimitBytes}) or the switches ({@code gcTrigger} is {@code
     * gcTriggerEnabled}, and so on).
     */
    public String camel() {
      return camel;
    }

    /** The property key, e.g. {@code memgov.warning-percent}. */
    public String property() {
      return "memgov." + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The environment variable, e.g. {@code MEMGOV_WARNING_PERCENT}. */
    public String env() {
      return "MEMGOV_" + name();
    }

    void apply(Builder b, String value) {
      apply.accept(b, value);
    }

    Object read(GovernorPolicy p) {
      return read.apply(p);
    }
  }

  static int parseInt(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a whole number, but was '" + v + "'");
    }
  }

  static boolean parseBoolean(String v) {
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException("must be true or false, but was '" + v + "'");
  }

  /** Parses {@code PT5S}, {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, and {@code 0} (no unit needed for zero). */
  public static Duration parseDuration(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    if (s.equals("0")) {
      return Duration.ZERO; // "0" for the settings where zero turns a feature off
    }
    try {
      if (s.startsWith("pt") || s.startsWith("p")) {
        return Duration.parse(v.trim().toUpperCase(Locale.ROOT));
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1).trim());
      switch (s.charAt(s.length() - 1)) {
        case 's':
          return Duration.ofSeconds(n);
        case 'm':
          return Duration.ofMinutes(n);
        case 'h':
          return Duration.ofHours(n);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "must be a duration such as 500ms, 5s, 2m, 1h or PT5S, but was '" + v + "'");
  }

  /** Parses {@code 268435456}, {@code 512k}, {@code 256m}, {@code 2g} (binary units); -1 means none. */
  public static long parseSize(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    if (s.endsWith("b")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith("i")) {
      s = s.substring(0, s.length() - 1);
    }
    try {
      if (s.equals("-1")) {
        return -1;
      }
      long mult = 1;
      char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
      if (last == 'k' || last == 'm' || last == 'g') {
        mult = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
        s = s.substring(0, s.length() - 1).trim();
      }
      long n = Long.parseLong(s);
      if (n >= 0) {
        return Math.multiplyExact(n, mult);
      }
    } catch (RuntimeException e) {
      // fall through
    }
    throw new IllegalArgumentException(
        "must be a size in bytes or with k, m or g (e.g. 512m), or -1 for none, but was '" + v + "'");
  }

  /** Builds a {@link GovernorPolicy}. Not thread-safe. */
  public static final class Builder {
    private int warningPercent = 70;
    private int criticalPercent = 85;
    private int emergencyPercent = 92;
    private int hysteresisPoints = 5;
    private Duration tickInterval = Duration.ofSeconds(1);
    private Duration settleWindow = Duration.ofSeconds(3);
    private Duration calmWindow = Duration.ofSeconds(30);
    private final Map<CleanupLevel, Duration> cooldowns = new EnumMap<>(CleanupLevel.class);
    private int restoreStepPercent = 25;
    private long rssLimitBytes = -1;
    private Duration gcOverheadWindow = Duration.ofSeconds(60);
    private int historySize = 600;
    private int leakGcCount = 8;
    private boolean gcTriggerEnabled = true;
    private boolean timerTriggerEnabled = true;
    private boolean systemGcEnabled = true;
    private Duration heapConfirmInterval = Duration.ofSeconds(2);
    private boolean nativeTrimEnabled = true;
    private boolean spikeHeadroomEnabled = true;
    private Duration idleUncommitInterval = Duration.ofSeconds(60);
    private Duration idleAfter = Duration.ofSeconds(15);
    private int idleCacheShedPercent = 0;

    private Builder() {
      cooldowns.put(CleanupLevel.LIGHT, Duration.ofSeconds(5));
      cooldowns.put(CleanupLevel.STANDARD, Duration.ofSeconds(10));
      cooldowns.put(CleanupLevel.AGGRESSIVE, Duration.ofSeconds(15));
      cooldowns.put(CleanupLevel.EMERGENCY, Duration.ofSeconds(15));
    }

    public Builder warningPercent(int percent) {
      this.warningPercent = percent(Key.WARNING_PERCENT, percent);
      return this;
    }

    public Builder criticalPercent(int percent) {
      this.criticalPercent = percent(Key.CRITICAL_PERCENT, percent);
      return this;
    }

    public Builder emergencyPercent(int percent) {
      this.emergencyPercent = percent(Key.EMERGENCY_PERCENT, percent);
      return this;
    }

    public Builder hysteresisPoints(int points) {
      if (points < 0 || points > 50) {
        throw new IllegalArgumentException("hysteresisPoints must be between 0 and 50, but was " + points);
      }
      this.hysteresisPoints = points;
      return this;
    }

    public Builder tickInterval(Duration interval) {
      this.tickInterval = between(Key.TICK_INTERVAL, interval, Duration.ofMillis(10), Duration.ofHours(1));
      return this;
    }

    public Builder settleWindow(Duration window) {
      this.settleWindow = between(Key.SETTLE_WINDOW, window, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    public Builder calmWindow(Duration window) {
      this.calmWindow = between(Key.CALM_WINDOW, window, Duration.ZERO, Duration.ofDays(1));
      return this;
    }

    public Builder cooldown(CleanupLevel level, Duration cooldown) {
      Objects.requireNonNull(level, "level");
      String name = "cooldown" + level.name().charAt(0) + level.wireName().substring(1);
      this.cooldowns.put(level, between(name, cooldown, Duration.ZERO, Duration.ofHours(1)));
      return this;
    }

    public Builder restoreStepPercent(int percent) {
      if (percent < 1 || percent > 100) {
        throw new IllegalArgumentException("restoreStepPercent must be between 1 and 100, but was " + percent);
      }
      this.restoreStepPercent = percent;
      return this;
    }

    /** A process RSS limit in bytes for processes outside a container, or -1 for none. */
    public Builder rssLimitBytes(long bytes) {
      if (bytes != -1 && bytes < (16L << 20)) {
        throw new IllegalArgumentException("rssLimit must be -1 (none) or at least 16 MiB, but was " + bytes);
      }
      this.rssLimitBytes = bytes;
      return this;
    }

    public Builder gcOverheadWindow(Duration window) {
      this.gcOverheadWindow = between(Key.GC_OVERHEAD_WINDOW, window, Duration.ofSeconds(1), Duration.ofHours(1));
      return this;
    }

    public Builder historySize(int size) {
      if (size < 1 || size > 100_000) {
        throw new IllegalArgumentException("historySize must be between 1 and 100000, but was " + size);
      }
      this.historySize = size;
      return this;
    }

    public Builder leakGcCount(int count) {
      if (count < 3 || count > 1000) {
        throw new IllegalArgumentException("leakGcCount must be between 3 and 1000, but was " + count);
      }
      this.leakGcCount = count;
      return this;
    }

    public Builder gcTriggerEnabled(boolean enabled) {
      this.gcTriggerEnabled = enabled;
      return this;
    }

    public Builder timerTriggerEnabled(boolean enabled) {
      this.timerTriggerEnabled = enabled;
      return this;
    }

    public Builder systemGcEnabled(boolean enabled) {
      this.systemGcEnabled = enabled;
      return this;
    }

    /**
     * The least time between two GCs that confirm a partial heap figure at or above CRITICAL (see
     * {@link GovernorPolicy#heapConfirmInterval()}); {@link Duration#ZERO} turns confirmation off.
     */
    public Builder heapConfirmInterval(Duration interval) {
      this.heapConfirmInterval = between(Key.HEAP_CONFIRM_INTERVAL, interval, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    public Builder nativeTrimEnabled(boolean enabled) {
      this.nativeTrimEnabled = enabled;
      return this;
    }

    /** See {@link GovernorPolicy#spikeHeadroomEnabled()}; on by default. */
    public Builder spikeHeadroomEnabled(boolean enabled) {
      this.spikeHeadroomEnabled = enabled;
      return this;
    }

    /** {@link Duration#ZERO} leaves the JVM's periodic-GC setting alone. */
    public Builder idleUncommitInterval(Duration interval) {
      this.idleUncommitInterval = between(Key.IDLE_UNCOMMIT_INTERVAL, interval, Duration.ZERO, Duration.ofDays(1));
      return this;
    }

    /**
     * How long the process must be quiet before the idle give-back runs (see {@link
     * GovernorPolicy#idleAfter()}); {@link Duration#ZERO} turns it off.
     */
    public Builder idleAfter(Duration quiet) {
      this.idleAfter = between(Key.IDLE_AFTER, quiet, Duration.ZERO, Duration.ofDays(1));
      return this;
    }

    /** The share of the caches' contents the idle give-back evicts, 0 (none, the default)-50. */
    public Builder idleCacheShedPercent(int percent) {
      if (percent < 0 || percent > 50) {
        throw new IllegalArgumentException("idleCacheShedPercent must be between 0 and 50, but was " + percent);
      }
      this.idleCacheShedPercent = percent;
      return this;
    }

    /**
     * Checks the combination and builds.
     *
     * @throws IllegalArgumentException when the thresholds are not strictly rising, or hysteresis
     *     does not fit below the warning threshold
     */
    public GovernorPolicy build() {
      if (!(warningPercent < criticalPercent && criticalPercent < emergencyPercent)) {
        throw new IllegalArgumentException(
            "thresholds must rise: warningPercent < criticalPercent < emergencyPercent, but were "
                + warningPercent + ", " + criticalPercent + ", " + emergencyPercent);
      }
      if (hysteresisPoints >= warningPercent) {
        throw new IllegalArgumentException(
            "hysteresisPoints must be below warningPercent (" + warningPercent + "), but was " + hysteresisPoints);
      }
      return new GovernorPolicy(this);
    }

    private static int percent(Key key, int value) {
      if (value < 1 || value > 99) {
        throw new IllegalArgumentException(key.camel() + " must be between 1 and 99, but was " + value);
      }
      return value;
    }

    private static Duration between(Key key, Duration d, Duration min, Duration max) {
      return between(key.camel(), d, min, max);
    }

    private static Duration between(String name, Duration d, Duration min, Duration max) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", but was " + d);
      }
      return d;
    }
  }
}
