package dev.memgov.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * Builds a {@link GovernedCache}. Each setter checks its value and throws {@link
 * IllegalArgumentException} naming the rule and the value; {@link #build()} copies everything.
 * Not thread-safe: build on one thread.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class GovernedCacheBuilder<K, V> {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  static final long MIN_BUDGET = 1024;
  private static final Duration MIN_TTL = Duration.ofMillis(1);
  /** Caffeine keeps expiry times in nanoseconds: a longer ttl cannot be held (nor turned into millis for Redis safely). */
  private static final Duration MAX_TTL = Duration.ofNanos(Long.MAX_VALUE);

  final String name;
  final ValueCodec<V> codec;
  long l1Budget = 32L * 1024 * 1024;
  Duration ttl;
  Function<? super K, ? extends V> loader;
  String redisUri;
  String keyPrefix;
  Function<? super K, String> keyEncoder = String::valueOf;
  int compressionThreshold = 1024;
  Duration l2Timeout = Duration.ofMillis(100);
  Duration l2Backoff = Duration.ofSeconds(2);
  ToLongFunction<? super V> weigher;
  Ticker ticker;
  Duration restoreCeilingHold = Duration.ofMinutes(5);
  boolean compressWhenCut;
  Duration l2TombstoneTtl;

  GovernedCacheBuilder(String name, ValueCodec<V> codec) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "cache name must be 1-64 characters of A-Z a-z 0-9 . _ -, but was " + (name == null ? "null" : "'" + name + "'"));
    }
    if (codec == null) {
      throw new IllegalArgumentException(
          "codec must be a ValueCodec (ValueCodec.bytes(), utf8() or of(encoder, decoder)), but was null");
    }
    this.name = name;
    this.codec = codec;
  }

  /** L1's budget in bytes (weighed by encoded size plus a per-entry overhead); default 32 MiB. */
  public GovernedCacheBuilder<K, V> l1Budget(long bytes) {
    if (bytes < MIN_BUDGET) {
      throw new IllegalArgumentException("l1Budget must be at least 1 KiB (1024), but was " + bytes);
    }
    this.l1Budget = bytes;
    return this;
  }

  /**
   * Time to live after a write, in L1 and in Redis; default none (entries do not expire). 1 ms to
   * {@code Long.MAX_VALUE} nanoseconds (about 292 years, the longest L1 can hold).
   */
  public GovernedCacheBuilder<K, V> ttl(Duration ttl) {
    if (ttl == null || ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("ttl must be between 1 ms and " + MAX_TTL + " (about 292 years); "
          + "for entries that never expire set no ttl; but was " + ttl);
    }
    this.ttl = ttl;
    return this;
  }

  /** Read-through loader used by {@link GovernedCache#get}; a null result is not cached. */
  public GovernedCacheBuilder<K, V> loader(Function<? super K, ? extends V> loader) {
    if (loader == null) {
      throw new IllegalArgumentException("loader must be a function; for no read-through set no loader; but was null");
    }
    this.loader = loader;
    return this;
  }

  /**
   * Enables L2 on Redis (needs {@code io.lettuce:lettuce-core} on the classpath): {@code
   * redis://host:port[/db]}, {@code rediss://...} (TLS), {@code redis-socket:///path/to/socket},
   * {@code redis-sentinel://host:port[,host:port]#master}, {@code
   * redis-cluster://host:port[,host:port]} or {@code rediss-cluster://host:port[,host:port]} (TLS).
   */
  public GovernedCacheBuilder<K, V> redis(String uri) {
    if (uri == null || !uri.trim().matches("(?i)(redis|rediss|redis-sentinel|redis-socket|redis-cluster|rediss-cluster)://.+")) {
      throw new IllegalArgumentException("redis uri must be a redis://, rediss://, redis-socket://, "
          + "redis-sentinel://, redis-cluster:// or rediss-cluster:// URI, but was " + (uri == null ? "null" : "'" + RedisUris.mask(uri) + "'"));
    }
    // URI schemes are case-insensitive (RFC 3986); the tier and Lettuce match them in lower case
    String trimmed = uri.trim();
    int colon = trimmed.indexOf(':');
    this.redisUri = trimmed.substring(0, colon).toLowerCase(Locale.ROOT) + trimmed.substring(colon);
    return this;
  }

  /** The L2 key prefix; default {@code memgov:<name>:}. */
  public GovernedCacheBuilder<K, V> keyPrefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.length() > 200) {
      throw new IllegalArgumentException("keyPrefix must be 1-200 characters, but was "
          + (prefix == null ? "null" : "'" + prefix + "' (" + prefix.length() + " characters)"));
    }
    this.keyPrefix = prefix;
    return this;
  }

  /** How a key becomes the L2 key after the prefix; default {@code String.valueOf(key)}. */
  public GovernedCacheBuilder<K, V> keyEncoder(Function<? super K, String> encoder) {
    if (encoder == null) {
      throw new IllegalArgumentException(
          "keyEncoder must be a function; for the default, String.valueOf, set none; but was null");
    }
    this.keyEncoder = encoder;
    return this;
  }

  /**
   * Values whose encoded form is at least this many bytes are LZ4-compressed in L2 (and in L1
   * after an aggressive cleanup); default 1024. {@code Integer.MAX_VALUE} turns compression off.
   */
  public GovernedCacheBuilder<K, V> compressionThreshold(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("compressionThreshold must be at least 1 byte, but was " + bytes);
    }
    this.compressionThreshold = bytes;
    return this;
  }

  /**
   * Keep L1 values of at least the compression threshold LZ4-compressed from the first pressure
   * cut ({@code standard}, or an emergency clear) until restore brings the budget back, instead of
   * from {@code aggressive} only; default off. A cut budget then holds more entries (JSON-like
   * values of 4–16 KiB take about a third of their size), and each hit on a compressed value pays a
   * decompression and a decode (about 1.5 µs and 8 KB of garbage for 4 KiB). Worth it when a miss
   * costs far more than that (a database or HTTP call); not for small values or a CPU-bound service.
   */
  public GovernedCacheBuilder<K, V> compressWhenCut(boolean on) {
    this.compressWhenCut = on;
    return this;
  }

  /**
   * How long the tombstone an {@code invalidate} leaves in Redis lives; default the {@link #ttl}
   * plus {@link #l2Timeout} plus 1 s (the longest any instance can still hold the old value in its
   * L1: a copy read from Redis before the invalidation enters L1 at most one L2 call later), or 1
   * hour without a ttl. While it lives, no instance's spill brings the invalidated value back, and
   * no load that read L2 before the invalidation writes its value over it (nor keeps it in L1).
   * {@link Duration#ZERO}: no tombstones, {@code invalidate} deletes the key (a spill of another
   * instance's L1 copy can then bring it back). 0, or 1 ms to {@code Long.MAX_VALUE} ns.
   */
  public GovernedCacheBuilder<K, V> l2TombstoneTtl(Duration ttl) {
    if (ttl == null || ttl.isNegative() || (!ttl.isZero() && ttl.compareTo(MIN_TTL) < 0) || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("l2TombstoneTtl must be 0 (no tombstones) or between 1 ms and " + MAX_TTL
          + ", but was " + ttl);
    }
    this.l2TombstoneTtl = ttl;
    return this;
  }

  /** The tombstone TTL in effect: the one set, else ttl + l2Timeout + 1 s, else 1 hour. */
  Duration tombstoneTtl() {
    if (l2TombstoneTtl != null) {
      return l2TombstoneTtl;
    }
    if (ttl == null) {
      return Duration.ofHours(1);
    }
    return ttl.plus(l2Timeout).plusSeconds(1);
  }

  /** Longest wait for one L2 call; default 100 ms. */
  public GovernedCacheBuilder<K, V> l2Timeout(Duration timeout) {
    // compared as Durations: toMillis() overflows (ArithmeticException) on ones beyond about 292 million years
    if (timeout == null || timeout.compareTo(Duration.ofMillis(1)) < 0
        || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException("l2Timeout must be between 1 ms and 60 s, but was " + timeout);
    }
    this.l2Timeout = timeout;
    return this;
  }

  /** How long L2 is skipped after repeated failures before it is probed again; default 2 s. */
  public GovernedCacheBuilder<K, V> l2Backoff(Duration backoff) {
    if (backoff == null || backoff.compareTo(Duration.ofMillis(10)) < 0
        || backoff.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("l2Backoff must be between 10 ms and 10 min, but was " + backoff);
    }
    this.l2Backoff = backoff;
    return this;
  }

  /**
   * Estimates a value's size in bytes for L1 weighing, instead of {@link ValueCodec#sizeOf};
   * a per-entry overhead is added to it.
   */
  public GovernedCacheBuilder<K, V> weigher(ToLongFunction<? super V> estimator) {
    if (estimator == null) {
      throw new IllegalArgumentException(
          "weigher must be a function; for the default, the codec's sizeOf, set none; but was null");
    }
    this.weigher = estimator;
    return this;
  }

  /**
   * How long after a standard-or-higher cut restore stops at three quarters of what L1 held when
   * the cut came (default 5 minutes; {@link Duration#ZERO} restores to the configured budget as
   * soon as it is calm). 0 to 1 day.
   */
  public GovernedCacheBuilder<K, V> restoreCeilingHold(Duration hold) {
    if (hold == null || hold.isNegative() || hold.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("restoreCeilingHold must be between 0 and 1 day, but was " + hold);
    }
    this.restoreCeilingHold = hold;
    return this;
  }

  /** The time source for L1 expiry and the restore ceiling hold; default the system ticker. Tests pass a fake one. */
  public GovernedCacheBuilder<K, V> ticker(Ticker ticker) {
    if (ticker == null) {
      throw new IllegalArgumentException(
          "ticker must be a Ticker; for the default, the system ticker, set none; but was null");
    }
    this.ticker = ticker;
    return this;
  }

  /**
   * Builds the cache. With {@link #redis} it connects to Redis; an unreachable Redis is logged
   * and probed in the background, the cache works without it meanwhile.
   *
   * @throws IllegalArgumentException for a malformed Redis URI
   * @throws IllegalStateException when L2 is asked for but Lettuce is not on the classpath
   */
  public GovernedCache<K, V> build() {
    if (redisUri != null) {
      try {
        Class.forName("io.lettuce.core.RedisClient", false, GovernedCacheBuilder.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("memgov cache '" + name + "': redis(" + RedisUris.mask(redisUri)
            + ") needs io.lettuce:lettuce-core on the classpath; add it, or build without redis(...)");
      }
    }
    return new GovernedCache<>(this);
  }
}
