package dev.memgov.http;

import dev.memgov.core.CacheTier;
import dev.memgov.core.ClearResult;
import dev.memgov.core.ClearableCache;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A two-tier cache of byte arrays held in maps: L1 in-process, L2 standing in for a remote
 * store. Cleanups leave it alone (it is only cleared on request, or at EMERGENCY). Thread-safe.
 */
final class TestCache implements ClearableCache {
  static final long BUDGET = 1L << 20;

  private final String name;
  private final Map<String, byte[]> l1 = new ConcurrentHashMap<>();
  private final Map<String, byte[]> l2 = new ConcurrentHashMap<>();

  TestCache(String name) {
    this.name = name;
  }

  void put(String key, int bytes) {
    l1.put(key, new byte[bytes]);
    l2.put(key, new byte[bytes]);
  }

  /** The keys in each tier, for state checks. */
  Map<String, Object> contents() {
    Map<String, Object> m = new TreeMap<>();
    m.put("l1", new TreeMap<>(l1).keySet());
    m.put("l2", new TreeMap<>(l2).keySet());
    return m;
  }

  int l1Size() {
    return l1.size();
  }

  int l2Size() {
    return l2.size();
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
    long sum = 0;
    for (byte[] v : l1.values()) {
      sum += v.length;
    }
    return sum;
  }

  @Override
  public String budgetUnit() {
    return "bytes";
  }

  @Override
  public long configuredBudget() {
    return BUDGET;
  }

  @Override
  public long currentBudget() {
    return BUDGET;
  }

  @Override
  public ReclaimResult reclaim(ReclaimRequest request) {
    return ReclaimResult.nothing("test cache keeps its entries");
  }

  @Override
  public RestoreResult restore(RestoreRequest request) {
    return RestoreResult.complete();
  }

  @Override
  public boolean hasL2() {
    return true;
  }

  @Override
  public ClearResult clear(CacheTier tier) {
    long entries = 0;
    long bytes = 0;
    long keys = 0;
    if (tier != CacheTier.L2) {
      for (byte[] v : l1.values()) {
        bytes += v.length;
      }
      entries = l1.size();
      l1.clear();
    }
    if (tier != CacheTier.L1) {
      keys = l2.size();
      l2.clear();
    }
    return new ClearResult(name, tier, entries, bytes, keys, null);
  }
}
