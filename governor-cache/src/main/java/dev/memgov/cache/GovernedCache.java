package dev.memgov.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.memgov.core.CacheTier;
import dev.memgov.core.ClearResult;
import dev.memgov.core.ClearableCache;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import dev.memgov.core.Trigger;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A two-tier cache the memory governor can shrink and grow: L1 is a Caffeine cache bounded by
 * bytes, L2 (optional) is Redis. Reads go L1 → L2 → loader and fill upward; writes go to both.
 *
 * <p>Under pressure ({@link #reclaim}): {@code light} runs Caffeine's maintenance and drops
 * expired entries; {@code standard} lowers L1's byte budget toward the requested share, at most
 * to half of what L1 holds (or of the budget, when that is lower); {@code aggressive} to at most a
 * quarter of it and keeps L1 values of at least the compression threshold LZ4-compressed (from
 * the first cut with {@code compressWhenCut}); neither
 * touches an L1 that holds less than the minimum budget ({@code min(l1Budget, 4 KiB)}), which is
 * also the lowest budget any cut sets; {@code emergency} clears L1 and stops L1 admission until
 * {@link #pressureChanged} reports a level below {@code CRITICAL} or the governor's first calm
 * {@link #restore} step, whichever comes first. Entries evicted by a shrink
 * are written to L2 when it lacks them (spill). {@link #restore} grows the budget back in steps.
 *
 * <p>{@link #invalidate} leaves a tombstone in Redis for {@code l2TombstoneTtl}: no instance's
 * spill, and no load that read L2 before the invalidation, writes the old value back over it.
 *
 * <p>Redis faults never reach the caller (see {@code l2Timeout}, {@code l2Backoff}); corrupt
 * bytes in Redis are a counted miss; a loader's exception reaches the caller and nothing is
 * cached.
 *
 * <p>This class is thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class GovernedCache<K, V> implements ClearableCache, AutoCloseable {

  /** Bytes added to each entry's weight for Caffeine's node, the key and references. */
  static final int ENTRY_OVERHEAD = 96;

  private static final int INVALIDATION_STRIPES = 256;

  private static final Logger LOG = LoggerFactory.getLogger(GovernedCache.class);

  private final String name;
  private final ValueCodec<V> codec;
  private final Cache<K, Object> l1;
  /**
   * L1's map view, read on the hit path: Caffeine's {@code asMap()} of a bounded cache is the
   * cache itself, so a get through it skips the manual-cache wrapper's hop (one dependent load
   * less; the gain measured was inside the noise, see docs/benchmarks-cache.md). It records the
   * read for eviction like {@code getIfPresent}, and L1 keeps no statistics to differ in.
   */
  private final ConcurrentMap<K, Object> l1Map;
  private final Policy.Eviction<K, Object> eviction;
  private final Policy.FixedExpiration<K, Object> expiration;
  private final long configuredBudget;
  private final long minBudget;
  private final Function<? super K, ? extends V> loader;
  private final Function<? super K, String> keyEncoder;
  private final int compressionThreshold;
  /** Compress L1 from the first cut (standard, emergency), not only from aggressive. */
  private final boolean compressWhenCut;
  private final long ttlMillis;
  private final RedisTier l2;
  /** The longest a clear waits for publishes under way: one L2 write plus a second. */
  private final long publishWaitNanos;

  private volatile long currentBudget;
  /**
   * Where restore stops until {@link #ceilingHoldNanos} has passed since the last cut: three
   * quarters of what L1 held when the last standard-or-higher cleanup came. A cache that grew back
   * to the size that brought pressure (a transient spike on top of it reached CRITICAL or
   * EMERGENCY) would bring it again and be cut or cleared again, over and over; held below that
   * size it leaves the spike its room. Each further cut within the hold lowers it again, so the
   * cache settles at a size the workload's spikes fit beside.
   */
  private volatile long ceiling;
  private volatile long ceilingSetNanos;
  private final long ceilingHoldNanos;
  private final Ticker clock;
  private volatile boolean admissionStopped;
  private volatile boolean compressL1;
  /**
   * Set (for good) before the first compressed value enters L1. Until then a hit returns the
   * value without reading its header (no extra memory access on the hit path); it is never reset,
   * because a fill racing a reset could leave a compressed value behind a false flag.
   *
   * <p>Deliberately not volatile (a volatile read on the hit path measured as costly as a CPU
   * cache miss in the random-key benchmark). It is still always seen in time: it is written before
   * the compressed value is handed to Caffeine, which publishes the value with a release store
   * (through its {@code ConcurrentHashMap} and the node's value field), and a hit reads it after
   * Caffeine's acquire load of that value, so a reader that gets a compressed value also sees the
   * flag set.
   */
  private boolean mayHoldCompressed;
  private volatile Queue<Object[]> spillSink;

  /**
   * Bumped when a {@link #clear} starts and again when it ends (clears run one at a time), so odd
   * while one runs. A read, load or spill compares it with what it was when it began, right before
   * it stores what it saw in L1 or sends it to L2 (a "publish"), and drops it when a clear started
   * meanwhile: the clear may already have passed that key.
   */
  private final AtomicLong clears = new AtomicLong();
  /**
   * Publishes under way, by the parity of {@code clears / 2} when their read began: a clear waits
   * until the ones of its own generation are done before it deletes anything, so no publish that
   * passed its check can land behind the clear.
   */
  private final AtomicLong[] publishing = {new AtomicLong(), new AtomicLong()};
  private final Object clearMutex = new Object();
  /**
   * Invalidations by key stripe, bumped inside L1's lock on the key. A write to L2 that is not
   * made under the same lock as its read (a load while admission is stopped) or that was decided
   * before it (a spill of what a shrink evicted) is dropped when the key's stripe moved meanwhile,
   * so it cannot bring back what an invalidate just deleted.
   */
  private final AtomicLongArray invalidations = new AtomicLongArray(INVALIDATION_STRIPES);

  private final HitCounter l1Hits = new HitCounter();
  private final LongAdder l1Misses = new LongAdder();
  private final LongAdder l2Hits = new LongAdder();
  private final LongAdder l2Misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder loadSuccesses = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder corruptReads = new LongAdder();
  private final LongAdder tombstoneReads = new LongAdder();
  private final LongAdder refusedL2Writes = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder spilled = new LongAdder();
  private final LongAdder compressionSaved = new LongAdder();

  /**
   * A builder for a cache named {@code name} (1-64 of {@code A-Z a-z 0-9 . _ -}) whose values
   * are turned into bytes by {@code codec}. Give the key type with a type witness: {@code
   * GovernedCache.<String, User>builder("users", codec)}.
   */
  public static <K, V> GovernedCacheBuilder<K, V> builder(String name, ValueCodec<V> codec) {
    return new GovernedCacheBuilder<>(name, codec);
  }

  GovernedCache(GovernedCacheBuilder<K, V> b) {
    this.name = b.name;
    this.codec = b.codec;
    this.configuredBudget = b.l1Budget;
    this.currentBudget = b.l1Budget;
    this.ceiling = b.l1Budget;
    this.ceilingHoldNanos = b.restoreCeilingHold.toNanos();
    this.clock = b.ticker != null ? b.ticker : Ticker.systemTicker();
    this.minBudget = Math.min(b.l1Budget, 4096);
    this.loader = b.loader;
    this.keyEncoder = b.keyEncoder;
    this.compressionThreshold = b.compressionThreshold;
    this.compressWhenCut = b.compressWhenCut;
    this.ttlMillis = b.ttl == null ? 0 : b.ttl.toMillis();
    this.publishWaitNanos = b.l2Timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
    ToLongFunction<? super V> sizer = b.weigher != null ? b.weigher : codec::sizeOf;
    Caffeine<K, Object> caffeine =
        Caffeine.newBuilder()
            .maximumWeight(b.l1Budget)
            .<K, Object>weigher((k, v) -> weigh(v, sizer))
            .evictionListener((K k, Object v, RemovalCause cause) -> onEviction(k, v, cause));
    if (b.ttl != null) {
      caffeine.expireAfterWrite(b.ttl);
    }
    if (b.ticker != null) {
      caffeine.ticker(b.ticker);
    }
    this.l1 = caffeine.build();
    this.l1Map = l1.asMap();
    this.eviction = l1.policy().eviction().orElseThrow();
    this.expiration = l1.policy().expireAfterWrite().orElse(null);
    this.l2 = b.redisUri == null
        ? null
        : new RedisTier(name, b.redisUri, b.keyPrefix != null ? b.keyPrefix : "memgov:" + name + ":",
            b.l2Timeout, b.l2Backoff, b.tombstoneTtl());
  }

  @SuppressWarnings("unchecked")
  private static <V> int weigh(Object v, ToLongFunction<? super V> sizer) {
    long size = v instanceof Compressed ? ((Compressed) v).block.length : sizer.applyAsLong((V) v);
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, size) + ENTRY_OVERHEAD);
  }

  private void onEviction(K key, Object value, RemovalCause cause) {
    if (cause == RemovalCause.SIZE) {
      evictions.increment();
      Queue<Object[]> sink = spillSink;
      if (sink != null && key != null && value != null) {
        sink.add(new Object[] {key, value});
      }
    }
  }

  // ---------------------------------------------------------------- reads and writes

  /**
   * The value: from L1, else L2, else the loader (filling the tiers above); null when no tier
   * has it and there is no loader or it returned null.
   *
   * @throws RuntimeException whatever the loader threw; nothing is cached then
   */
  @SuppressWarnings("unchecked")
  public V get(K key) {
    Object o = l1Map.get(key);
    if (o != null) {
      if (mayHoldCompressed && o instanceof Compressed) {
        return compressedHit(key, (Compressed) o, true);
      }
      l1Hits.increment();
      return (V) o;
    }
    return miss(key, true);
  }

  /** The value from L1 or L2, never calling the loader; null when neither has it. */
  @SuppressWarnings("unchecked")
  public V getIfPresent(K key) {
    Object o = l1Map.get(key);
    if (o != null) {
      if (mayHoldCompressed && o instanceof Compressed) {
        return compressedHit(key, (Compressed) o, false);
      }
      l1Hits.increment();
      return (V) o;
    }
    return miss(key, false);
  }

  /**
   * A compressed L1 value: decompressed, unless its original write has expired (a value compressed
   * in place by a cut), which is then removed and read as a miss.
   */
  private V compressedHit(K key, Compressed c, boolean load) {
    if (c.aged && c.expired(clock.read())) {
      l1Map.remove(key, c);
      return miss(key, load);
    }
    l1Hits.increment();
    return inflate(c);
  }

  /**
   * Stores the value in L2, then in L1 (unless admission is stopped: then the key leaves L1). L1
   * comes last so that a concurrent miss that read the old value from L2 before the write cannot
   * leave it in L1 after the put returns.
   */
  public void put(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    boolean compress = compressL1; // read once: a cut may turn it on meanwhile, and toL1 needs the encoded form
    byte[] encoded = l2 != null || compress ? codec.encode(value) : null;
    if (l2 != null) {
      writeL2(key, encoded);
    }
    if (admissionStopped) {
      l1.invalidate(key);
    } else {
      Object held = compress ? toL1(value, encoded) : value;
      l1.put(key, held);
      if (admissionStopped) {
        l1Map.remove(key, held); // an emergency began meanwhile: its invalidateAll may have come before the put
      }
    }
  }

  /**
   * Removes the key from L1 and L2. In L2 a tombstone takes the value's place (for {@code
   * l2TombstoneTtl}; a delete when that is 0), so that another instance's spill of its L1 copy,
   * or a load another instance began before this call, does not write the old value back. The
   * Redis write runs inside L1's lock on the key, so a concurrent read or load of the key is wholly
   * before it (and its value is removed from both tiers) or wholly after it (and reads the
   * tombstone, which is absent).
   */
  public void invalidate(K key) {
    Objects.requireNonNull(key, "key");
    if (l2 == null) {
      l1.invalidate(key);
      return;
    }
    String rk = redisKey(key);
    l1Map.compute(key, (k, v) -> {
      invalidations.incrementAndGet(stripe(k));
      l2.invalidate(rk);
      return null;
    });
  }

  /**
   * L1 missed: L2, then the loader, inside L1's compute for the key (so concurrent misses of a key
   * load once, and invalidate(key) is serialized with it). A loaded value is written to L2 inside
   * that compute too, only if the key did not change in Redis since it was read; when it did, the
   * value is returned but not kept in L1. Nothing read while a clear ran is kept (see {@link #clears}).
   */
  @SuppressWarnings("unchecked")
  private V miss(K key, boolean load) {
    l1Misses.increment();
    long seq = clears.get();
    if (admissionStopped || (l2 == null && (!load || loader == null))) {
      return missBelowL1(key, load, seq);
    }
    Object[] dropped = new Object[1]; // what was read, when a clear keeps it out of L1
    AtomicLong[] publish = new AtomicLong[1];
    Object stored;
    try {
      stored = l1Map.computeIfAbsent(key, k -> {
        Fetch<V> f = fetchBelow(k, load);
        V v = f.value;
        if (v == null) {
          return null;
        }
        boolean toL2 = f.fromLoader && l2 != null;
        boolean compress = compressL1; // read once, as in put
        byte[] encoded = toL2 || compress ? codec.encode(v) : null;
        // only if unchanged since the read: a concurrent put's newer value, or an invalidation, wins;
        // and then the loaded value may be out of date: the caller gets it, L1 does not keep it
        if (toL2 && publishL2(k, encoded, seq, f) == RedisTier.Publish.REFUSED) {
          dropped[0] = v;
          return null;
        }
        Object held = compress ? toL1(v, encoded) : v;
        if ((seq & 1) != 0) { // began while a clear ran: dropped, and not counted as under way
          dropped[0] = v;
          return null;
        }
        if (admissionStopped) { // an emergency came while this read: the caller gets the value, L1 does not
          dropped[0] = v;
          return null;
        }
        publish[0] = enterPublish(seq);
        if (clearOverlapped(seq)) {
          dropped[0] = v;
          return null;
        }
        return held;
      });
    } finally {
      if (publish[0] != null) {
        publish[0].decrementAndGet(); // stored: a clear from here on finds it in L1
      }
    }
    if (publish[0] != null && stored != null && clearOverlapped(seq)) {
      l1Map.remove(key, stored); // a clear began after the check in the compute
    }
    if (stored != null && admissionStopped) {
      // an emergency began after the check in the compute: its invalidateAll may have passed the key
      // while it was still being computed (it sets the flag first, so it finds what was stored before)
      l1Map.remove(key, stored);
    }
    if (stored == null) {
      return (V) dropped[0];
    }
    if (stored instanceof Compressed) {
      Compressed c = (Compressed) stored;
      if (c.aged && c.expired(clock.read())) { // found, not computed: an older write that expired
        l1Map.remove(key, c);
        return miss(key, load);
      }
      return inflate(c);
    }
    return (V) stored;
  }

  /**
   * L2, then the loader, keeping nothing in L1 (admission stopped, or nothing to share a load of).
   * Not under L1's lock on the key, so that a hot key's reads are not serialized while admission
   * is stopped; a loaded value is then written to L2 under that lock only if no invalidate of the
   * key's stripe came since the read began.
   */
  private V missBelowL1(K key, boolean load, long seq) {
    long invalidated = l2 == null ? 0 : invalidations.get(stripe(key));
    Fetch<V> f = fetchBelow(key, load);
    V value = f.value;
    if (f.fromLoader && value != null && l2 != null) {
      byte[] encoded = codec.encode(value);
      l1Map.computeIfAbsent(key, k -> { // present: a newer read or put filled L1 and wrote L2
        if (invalidations.get(stripe(k)) == invalidated) {
          publishL2(k, encoded, seq, f);
        }
        return null;
      });
    }
    return value;
  }

  /**
   * Writes a value a read loaded to L2 if the key still holds what the read saw ({@code f.seen}:
   * its tombstone, or null for nothing), unless a clear began since the read did (then SKIPPED).
   */
  private RedisTier.Publish publishL2(K key, byte[] encoded, long seq, Fetch<V> f) {
    if ((seq & 1) != 0) {
      return RedisTier.Publish.SKIPPED; // began while a clear ran
    }
    AtomicLong publish = enterPublish(seq);
    try {
      if (clearOverlapped(seq)) {
        return RedisTier.Publish.SKIPPED;
      }
      RedisTier.Publish p = l2.setIfUnchanged(redisKey(key), storedForm(encoded), ttlMillis, f.seen, f.readAtNanos);
      if (p == RedisTier.Publish.REFUSED) {
        refusedL2Writes.increment();
      }
      return p;
    } finally {
      publish.decrementAndGet();
    }
  }

  /** Counts a publish under way for a read that began at {@code seq}; the caller decrements it. */
  private AtomicLong enterPublish(long seq) {
    AtomicLong p = publishing[(int) ((seq >>> 1) & 1)];
    p.incrementAndGet();
    return p;
  }

  /** Whether a clear ran, or began, since {@code seq} was read. */
  private boolean clearOverlapped(long seq) {
    return (seq & 1) != 0 || clears.get() != seq;
  }

  private static int stripe(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (INVALIDATION_STRIPES - 1);
  }

  /** What a read below L1 found: the value, whether the loader made it, and the tombstone L2 held. */
  private static final class Fetch<V> {
    V value;
    boolean fromLoader;
    /** The tombstone L2 held for the key when it was read; null when none (or L2 was not read). */
    byte[] seen;
    /** {@link System#nanoTime()} right before L2 was read. */
    long readAtNanos;
  }

  /** L2, then the loader. */
  private Fetch<V> fetchBelow(K key, boolean load) {
    Fetch<V> f = new Fetch<>();
    if (l2 != null) {
      f.readAtNanos = System.nanoTime();
      byte[] raw = l2.get(redisKey(key));
      if (raw != RedisTier.SKIPPED) {
        if (StoredForm.isTombstone(raw)) {
          tombstoneReads.increment();
          f.seen = raw; // invalidated: absent; a load may replace this very tombstone, not a newer one
        } else if (raw != null) {
          try {
            V v = codec.decode(StoredForm.read(raw));
            if (v != null) {
              l2Hits.increment();
              f.value = v;
              return f;
            }
            corruptReads.increment(); // the codec could not make a value of it
          } catch (RuntimeException e) {
            corruptReads.increment();
            LOG.debug("memgov cache '{}': unreadable L2 value under key '{}': {}", name, redisKey(key), e.toString());
          }
          // not ours or damaged: delete it so the loaded value can take its place (at worst a
          // concurrent put's value goes too, which is a miss, never a wrong value)
          l2.delete(redisKey(key));
        }
        l2Misses.increment();
      }
    }
    if (!load || loader == null) {
      return f;
    }
    loads.increment();
    V v;
    try {
      v = loader.apply(key);
    } catch (Throwable e) { // also a checked exception thrown unchecked (Kotlin, @SneakyThrows); rethrown as is
      loadFailures.increment();
      throw e;
    }
    loadSuccesses.increment();
    f.value = v;
    f.fromLoader = v != null;
    return f;
  }

  private V inflate(Compressed c) {
    return codec.decode(c.inflate());
  }

  /** The L1 form of a value while L1 compression is on: compressed when big enough and smaller so. */
  private Object toL1(V value, byte[] encoded) {
    if (encoded.length >= compressionThreshold) {
      byte[] block = Lz4.INSTANCE.compress(encoded);
      if (block.length < encoded.length) {
        compressionSaved.add(encoded.length - block.length);
        mayHoldCompressed = true; // before the value can be seen in L1
        return new Compressed(block, encoded.length);
      }
    }
    return value;
  }

  private void writeL2(K key, byte[] encoded) {
    l2.set(redisKey(key), storedForm(encoded), ttlMillis);
  }

  /** The L2 form of an encoded value, counting what compression saved. */
  private byte[] storedForm(byte[] encoded) {
    byte[] stored = StoredForm.write(encoded, compressionThreshold);
    if (stored.length < encoded.length) {
      compressionSaved.add(encoded.length - stored.length);
    }
    return stored;
  }

  /**
   * The key's L2 key: the prefix and the key encoder's string. An encoder that returns null is
   * refused here, before anything is read or written: every such key would share one Redis key and
   * be served another key's value.
   */
  String redisKey(K key) {
    String encoded = keyEncoder.apply(key);
    if (encoded == null) {
      throw new IllegalStateException("memgov cache '" + name + "': keyEncoder returned null for a key of type "
          + key.getClass().getName() + "; it must return a string, a different one for each key");
    }
    return l2.prefix() + encoded;
  }

  // ---------------------------------------------------------------- Governable

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kind() {
    return "cache";
  }

  /**
   * L1's weighted size in bytes (encoded sizes, compressed where held compressed, plus overhead).
   * Caffeine applies writes to it in its asynchronous maintenance (as a plain Caffeine cache
   * does), so it can trail the latest writes by a moment; every cleanup settles it first.
   */
  @Override
  public long footprintBytes() {
    return eviction.weightedSize().orElse(0);
  }

  @Override
  public String budgetUnit() {
    return "bytes";
  }

  @Override
  public long configuredBudget() {
    return configuredBudget;
  }

  @Override
  public long currentBudget() {
    return currentBudget;
  }

  /** {@code CHEAP} with L2 (an evicted entry is a Redis read away), else {@code MODERATE}. */
  @Override
  public RebuildCost rebuildCost() {
    return l2 != null ? RebuildCost.CHEAP : RebuildCost.MODERATE;
  }

  @Override
  public ReclaimResult reclaim(ReclaimRequest request) {
    switch (request.level()) {
      case LIGHT:
        return light();
      case STANDARD:
        boolean pressureCut = request.trigger() != Trigger.IDLE; // the idle give-back's shed is no pressure cut
        return shrink(2, request.targetBytes(), "standard", compressWhenCut && pressureCut, pressureCut);
      case AGGRESSIVE:
        return shrink(4, request.targetBytes(), "aggressive", true, request.trigger() != Trigger.IDLE);
      default:
        return emergency();
    }
  }

  private ReclaimResult light() {
    long before = l1.estimatedSize();
    dropExpiredCompressed();
    l1.cleanUp(); // after the sweep: the weighted size the governor reads next counts its removals
    long dropped = Math.max(0, before - l1.estimatedSize());
    return dropped == 0
        ? ReclaimResult.nothing("maintenance run, no expired entries")
        : ReclaimResult.done("maintenance run, dropped " + dropped + " expired entries");
  }

  private ReclaimResult shrink(int divisor, long targetBytes, String level, boolean compress, boolean pressureCut) {
    dropExpiredCompressed();
    l1.cleanUp();
    long budget = currentBudget;
    long weighted = footprintBytes();
    if (weighted < minBudget) {
      // An empty (or all but empty) L1 gives nothing back; cutting its budget to the minimum would
      // only starve it once it fills again, and there is nothing to compress.
      return ReclaimResult.nothing("nothing held in L1 (" + weighted + " bytes, below the " + minBudget
          + "-byte minimum budget); budget stays at " + budget + " bytes for " + level);
    }
    if (pressureCut) {
      lowerCeiling(weighted);
    }
    // The floor is a share of what L1 holds, not of its budget: a budget far above the footprint
    // (a cache still warming, or sized for the worst case) halved would evict nothing.
    long floor = Math.max(minBudget, Math.min(budget, weighted) / divisor);
    long wanted = targetBytes > 0 ? weighted - targetBytes : 0;
    long newBudget = Math.min(budget, Math.max(floor, wanted));
    long evictedBefore = evictions.sum();
    int spilledNow = 0;
    if (newBudget < budget) {
      spilledNow = setBudgetSpilling(newBudget, weighted);
    }
    long evicted = evictions.sum() - evictedBefore;
    StringBuilder action = new StringBuilder();
    if (newBudget < budget) {
      action.append("budget ").append(budget).append(" -> ").append(newBudget).append(" bytes, evicted ")
          .append(evicted).append(" entries");
      if (l2 != null) {
        action.append(" (").append(spilledNow).append(" spilled to L2)");
      }
    }
    if (compress) {
      long[] c = compressAll();
      l1.cleanUp(); // apply the compressed values' weights now: the footprint reported after is current
      compressL1 = compressionThreshold != Integer.MAX_VALUE; // compression off: nothing to compress
      if (c[0] > 0) {
        action.append(action.length() > 0 ? ", " : "").append("compressed ").append(c[0])
            .append(" values saving ").append(c[1]).append(" bytes");
      }
    }
    return action.length() == 0
        ? ReclaimResult.nothing("budget already at its floor for " + level + " (" + budget + " bytes)")
        : ReclaimResult.done(action.toString());
  }

  /**
   * Lowers the budget; entries Caffeine evicts meanwhile are spilled to L2 with their remaining TTL.
   * Each is sent under L1's lock on its key, and not at all when the key was invalidated (its
   * stripe moved) or a clear began since the eviction: a spill never brings back a deleted key.
   */
  private int setBudgetSpilling(long newBudget, long weighted) {
    boolean spill = l2 != null && l2.isUp();
    Map<Object, Long> ages = new HashMap<>();
    Queue<Object[]> sink = null;
    long seq = clears.get();
    long[] invalidated = null;
    if (spill) {
      invalidated = new long[INVALIDATION_STRIPES];
      for (int i = 0; i < INVALIDATION_STRIPES; i++) {
        invalidated[i] = invalidations.get(i);
      }
      if (expiration != null && weighted > newBudget) {
        for (K k : eviction.coldestWeighted(2 * (weighted - newBudget)).keySet()) {
          expiration.ageOf(k, TimeUnit.MILLISECONDS).ifPresent(age -> ages.put(k, age));
        }
      }
      sink = new ConcurrentLinkedQueue<>();
      spillSink = sink;
    }
    try {
      eviction.setMaximum(newBudget);
      currentBudget = newBudget;
    } finally {
      spillSink = null;
    }
    if (sink == null || sink.isEmpty()) {
      return 0;
    }
    RedisTier.Spill batch = l2.startSpill();
    if (batch == null) {
      return 0;
    }
    long[] before = invalidated;
    for (Object[] kv : sink) {
      @SuppressWarnings("unchecked")
      K key = (K) kv[0];
      long ttl = 0;
      if (ttlMillis > 0) {
        if (kv[1] instanceof Compressed && ((Compressed) kv[1]).aged) {
          // compressed in place by an earlier cut: Caffeine's age restarted there, its original write's did not
          ttl = TimeUnit.NANOSECONDS.toMillis(((Compressed) kv[1]).expiresAt - clock.read());
        } else {
          Long age = ages.get(key);
          ttl = ttlMillis - (age == null ? 0 : age);
        }
        if (ttl <= 0) {
          continue; // about to expire anyway
        }
      }
      String rk = redisKey(key);
      @SuppressWarnings("unchecked")
      byte[] stored = kv[1] instanceof Compressed
          ? StoredForm.write((Compressed) kv[1]) // counted when L1 compressed it
          : storedForm(codec.encode((V) kv[1]));
      long px = ttl;
      // present again: a newer read or put filled L1 and wrote L2 itself
      l1Map.computeIfAbsent(key, k -> {
        int stripe = stripe(k);
        if (invalidations.get(stripe) == before[stripe] && (seq & 1) == 0) {
          AtomicLong publish = enterPublish(seq);
          try {
            if (!clearOverlapped(seq)) {
              batch.send(rk, stored, px);
            }
          } finally {
            publish.decrementAndGet();
          }
        }
        return null;
      });
    }
    int n = batch.await();
    spilled.add(n);
    return n;
  }

  /**
   * Removes values compressed in place whose original write has expired (Caffeine would hold them
   * until a ttl after the compression); returns how many.
   */
  private long dropExpiredCompressed() {
    if (!mayHoldCompressed || ttlMillis == 0) {
      return 0;
    }
    long now = clock.read();
    long dropped = 0;
    for (Map.Entry<K, Object> e : l1Map.entrySet()) {
      if (e.getValue() instanceof Compressed && ((Compressed) e.getValue()).expired(now)
          && l1Map.remove(e.getKey(), e.getValue())) {
        dropped++;
      }
    }
    return dropped;
  }

  /**
   * Compresses every uncompressed L1 value of at least the threshold; returns {count, bytes saved}.
   * Storing the compressed form restarts Caffeine's expire-after-write, so each carries when its
   * original write expires (see {@link Compressed}).
   */
  @SuppressWarnings("unchecked")
  private long[] compressAll() {
    long count = 0;
    long saved = 0;
    if (compressionThreshold == Integer.MAX_VALUE) {
      return new long[] {0, 0};
    }
    mayHoldCompressed = true; // before the first replace below
    long ttlNanos = ttlMillis == 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(ttlMillis);
    for (Map.Entry<K, Object> e : l1Map.entrySet()) {
      Object v = e.getValue();
      if (v instanceof Compressed) {
        continue;
      }
      byte[] encoded = codec.encode((V) v);
      if (encoded.length < compressionThreshold) {
        continue;
      }
      byte[] block = Lz4.INSTANCE.compress(encoded);
      if (block.length >= encoded.length) {
        continue;
      }
      Compressed compressed;
      if (ttlNanos > 0) {
        OptionalLong age = expiration.ageOf(e.getKey(), TimeUnit.NANOSECONDS);
        if (age.isEmpty()) {
          continue; // gone meanwhile
        }
        compressed = new Compressed(block, encoded.length, true, clock.read() - age.getAsLong() + ttlNanos);
      } else {
        compressed = new Compressed(block, encoded.length);
      }
      if (l1Map.replace(e.getKey(), v, compressed)) {
        count++;
        saved += encoded.length - block.length;
      }
    }
    compressionSaved.add(saved);
    return new long[] {count, saved};
  }

  private ReclaimResult emergency() {
    // a repeat cuts no further: L1 was cleared when admission stopped, and a read or put that was
    // under way then and stored its value after the clear takes it out again itself
    if (admissionStopped) {
      return ReclaimResult.nothing("L1 already cleared, admission stopped");
    }
    admissionStopped = true;
    l1.cleanUp();
    long entries = l1.estimatedSize();
    long bytes = footprintBytes();
    long budget = currentBudget;
    lowerCeiling(bytes);
    long newBudget = Math.max(minBudget, budget / 4);
    l1.invalidateAll();
    eviction.setMaximum(newBudget);
    currentBudget = newBudget;
    if (compressWhenCut && compressionThreshold != Integer.MAX_VALUE) {
      compressL1 = true; // what is admitted again once pressure falls goes in compressed
    }
    l1.cleanUp();
    LOG.warn("memgov cache '{}': emergency: L1 cleared ({} entries, {} bytes), admission stopped until pressure "
        + "falls below CRITICAL or the calm restore", name, entries, bytes);
    return ReclaimResult.done("L1 cleared (" + entries + " entries, " + bytes + " bytes), budget " + budget + " -> "
        + newBudget + " bytes, L1 admission stopped until pressure falls below CRITICAL or the calm restore");
  }

  /** Resumes L1 admission once the level is below {@code CRITICAL}. */
  @Override
  public void pressureChanged(PressureLevel previous, PressureLevel current) {
    if (admissionStopped && current.compareTo(PressureLevel.CRITICAL) < 0) {
      admissionStopped = false;
      LOG.info("memgov cache '{}': pressure {} -> {}, L1 admission resumed", name, previous, current);
    }
  }

  /**
   * Grows the budget back one step. The governor calls it only when calm, so it also resumes L1
   * admission if an emergency stopped it: an emergency run by hand (HTTP, JMX) while the level
   * stays where it was never gets the {@link #pressureChanged} that would resume it.
   */
  @Override
  public RestoreResult restore(RestoreRequest request) {
    String resumed = "";
    if (admissionStopped) {
      admissionStopped = false;
      resumed = "L1 admission resumed, ";
      LOG.info("memgov cache '{}': calm restore, L1 admission resumed", name);
    }
    long budget = currentBudget;
    if (budget >= configuredBudget) {
      compressL1 = false;
      return resumed.isEmpty() ? RestoreResult.complete() : RestoreResult.step(resumed + "at configured budget", true);
    }
    long cap = restoreCap();
    if (budget >= cap) {
      compressL1 = compressL1 && compressWhenCut; // compressWhenCut: until the configured budget
      return RestoreResult.step(resumed + "budget held at " + budget + " bytes" + ceilingNote(), false);
    }
    long next = Math.min(request.next(budget, configuredBudget), cap);
    eviction.setMaximum(next);
    currentBudget = next;
    boolean done = next >= configuredBudget;
    if (done || (next >= cap && !compressWhenCut)) {
      compressL1 = false;
    }
    return RestoreResult.step(resumed + "budget " + budget + " -> " + next + " bytes"
        + (next < configuredBudget && next >= cap ? ceilingNote() : ""), done);
  }

  private String ceilingNote() {
    return " (ceiling until " + ceilingHoldNanos / 1_000_000_000L + " s after the last cut)";
  }

  /** Pending while admission is stopped, and while below the configured budget except when held at the ceiling. */
  @Override
  public boolean restorePending() {
    long budget = currentBudget;
    return admissionStopped || (budget < configuredBudget && budget < restoreCap());
  }

  /** The budget restore may grow to now: the ceiling while it holds, else the configured budget. */
  private long restoreCap() {
    if (ceiling >= configuredBudget || clock.read() - ceilingSetNanos >= ceilingHoldNanos) {
      return configuredBudget;
    }
    return ceiling;
  }

  /**
   * A standard-or-higher cut came while L1 held {@code held} bytes: hold restore below that. Not
   * when L1 held under half of what restore may grow it to (or under the minimum budget): the cache
   * was not what brought the pressure, and a ceiling from a near-empty L1 would pin it small.
   */
  private void lowerCeiling(long held) {
    if (ceilingHoldNanos == 0) {
      return;
    }
    long cap = restoreCap();
    if (held < Math.max(minBudget, cap / 2)) {
      return;
    }
    ceiling = Math.max(minBudget, Math.min(cap, held / 4 * 3));
    ceilingSetNanos = clock.read();
  }

  @Override
  public String state() {
    StringBuilder s = new StringBuilder(admissionStopped ? "admission stopped" : "ok");
    if (compressL1) {
      s.append("; L1 compressing values >= ").append(compressionThreshold).append(" bytes");
    }
    if (l2 != null) {
      s.append("; ").append(l2.state());
    }
    s.append("; lz4 ").append(Lz4.INSTANCE.implementation());
    return s.toString();
  }

  // ---------------------------------------------------------------- ClearableCache

  @Override
  public boolean hasL2() {
    return l2 != null;
  }

  /**
   * Clears a tier or both: L2 first, then L1. What a read, load or spill running meanwhile saw is
   * kept in neither tier (see {@link #clears}); the clear first waits, at most {@code l2Timeout}
   * plus a second, for those that had already checked to finish storing (an L2 write sent before
   * the clear's SCAN runs before it: one connection, served in order).
   */
  @Override
  public ClearResult clear(CacheTier tier) {
    Objects.requireNonNull(tier, "tier");
    long entries = 0;
    long bytes = 0;
    long keys = 0;
    String error = null;
    // an interrupted caller (say the governor thread) still clears: parkNanos and Redis's futures
    // would return at once while the flag is set; it is put back after
    boolean interrupted = Thread.interrupted();
    synchronized (clearMutex) {
      long seq = clears.incrementAndGet() - 1;
      try {
        awaitPublishes(seq);
        if ((tier == CacheTier.L2 || tier == CacheTier.ALL) && l2 != null) {
          try {
            keys = l2.clear();
          } catch (RuntimeException e) {
            keys = -1;
            error = "memgov cache '" + name + "': " + e.getMessage();
          }
        }
        if (tier == CacheTier.L1 || tier == CacheTier.ALL) {
          l1.cleanUp();
          entries = l1.estimatedSize();
          bytes = footprintBytes();
          l1.invalidateAll();
        }
      } finally {
        clears.incrementAndGet();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    LOG.info("memgov cache '{}': cleared {}: {} L1 entries ({} bytes), {} L2 keys{}", name, tier.wireName(), entries,
        bytes, keys, error == null ? "" : " (" + error + ")");
    return new ClearResult(name, tier, entries, bytes, keys, error);
  }

  /** Waits until the publishes of reads that began at {@code seq} are done, at most a bound. */
  private void awaitPublishes(long seq) {
    AtomicLong p = publishing[(int) ((seq >>> 1) & 1)];
    long deadline = System.nanoTime() + publishWaitNanos;
    while (p.get() != 0) {
      if (System.nanoTime() - deadline > 0) {
        LOG.warn("memgov cache '{}': clear: a read, load or spill was still storing after {} ms; what it stores in "
            + "L1 it takes out again itself", name, TimeUnit.NANOSECONDS.toMillis(publishWaitNanos));
        return;
      }
      LockSupport.parkNanos(20_000);
    }
  }

  // ---------------------------------------------------------------- views

  /** Counters since the cache was built. */
  public CacheStats stats() {
    return new CacheStats(l1Hits.sum(), l1Misses.sum(), l2Hits.sum(), l2Misses.sum(),
        l2 == null ? 0 : l2.errors(), loads.sum(), loadSuccesses.sum(), loadFailures.sum(), corruptReads.sum(),
        tombstoneReads.sum(), refusedL2Writes.sum(), evictions.sum(),
        spilled.sum(), compressionSaved.sum(), footprintBytes(), l1.estimatedSize());
  }

  /** Whether L1 admission is stopped (after an emergency cleanup, until pressure falls). */
  public boolean admissionStopped() {
    return admissionStopped;
  }

  /**
   * Whether L2 is configured and currently used: not skipped after failures, nor while its prefix
   * awaits the purge after a failed clear or too many failed writes.
   */
  public boolean l2Up() {
    return l2 != null && l2.isUp();
  }

  /** The LZ4 implementation in use: {@code native-jni} or {@code java-safe}. */
  public static String lz4Implementation() {
    return Lz4.INSTANCE.implementation();
  }

  /** Closes the L2 connection and empties L1; the cache must not be used afterwards. */
  @Override
  public void close() {
    if (l2 != null) {
      l2.close();
    }
    l1.invalidateAll();
  }

  /** Time to live, or null. */
  Duration ttl() {
    return ttlMillis == 0 ? null : Duration.ofMillis(ttlMillis);
  }

  /** For tests: runs Caffeine's pending maintenance, so the weighted size is current. */
  void settle() {
    l1.cleanUp();
  }

  /** For tests: whether L1 holds the key (in any form), without counting. */
  boolean inL1(K key) {
    return l1.asMap().containsKey(key);
  }

  /** For tests: whether L1 holds the key compressed. */
  boolean compressedInL1(K key) {
    return l1.asMap().get(key) instanceof Compressed;
  }
}
