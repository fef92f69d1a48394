package dev.memgov.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memgov.core.ClearResult;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.GovernableStatus;
import dev.memgov.core.GovernorHistory;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.GovernorStatus;
import dev.memgov.core.LevelChange;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.Signal;
import dev.memgov.core.Trend;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the core's records as the JSON of the API. The wire rule for figures that cannot be
 * read: the field is {@code null} and the response's {@code "unknown"} object holds, under the
 * field's dotted path, why (for example {@code "signals.rss.limitBytes": "no rssLimit
 * configured"}). A figure is never rendered as a silent -1. Enums are lower case. Stateless and
 * thread-safe.
 */
final class JsonViews {

  static final JsonNodeFactory F = JsonNodeFactory.instance;

  private JsonViews() {}

  /** Collects {@code path -> reason} for every figure rendered as null. */
  static final class Unknowns {
    final Map<String, String> reasons = new LinkedHashMap<>();

    void add(String path, String reason) {
      reasons.put(path, reason);
    }

    ObjectNode toJson() {
      ObjectNode n = F.objectNode();
      reasons.forEach(n::put);
      return n;
    }
  }

  static String lower(Enum<?> e) {
    return e == null ? null : e.name().toLowerCase(Locale.ROOT);
  }

  /** {@code path.field}, or {@code field} at the top level ({@code path} empty). */
  static String at(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  static void bytes(ObjectNode n, String field, long v, String path, String reason, Unknowns u) {
    if (v < 0) {
      n.putNull(field);
      u.add(at(path, field), reason);
    } else {
      n.put(field, v);
    }
  }

  static void decimal(ObjectNode n, String field, double v, String path, String reason, Unknowns u) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      n.putNull(field);
      u.add(at(path, field), reason);
    } else {
      n.put(field, v);
    }
  }

  /** A ratio rounded to four decimals (0.0001 = 0.01 %); NaN stays NaN. */
  static double round4(double ratio) {
    if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
      return ratio;
    }
    return Math.round(ratio * 10_000.0) / 10_000.0;
  }

  /** A percentage rounded to two decimals; NaN stays NaN. */
  static double round2(double percent) {
    if (Double.isNaN(percent) || Double.isInfinite(percent)) {
      return percent;
    }
    return Math.round(percent * 100.0) / 100.0;
  }

  /** A ratio as a percentage with two decimals; NaN stays NaN (rendered null, never 0). */
  static double percent(double ratio) {
    if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
      return Double.NaN;
    }
    return Math.round(ratio * 10_000.0) / 100.0;
  }

  private static String why(MemorySnapshot s, String figure) {
    String r = s.unknownReasons().get(figure);
    return r != null ? r : "not reported by the sensor";
  }

  private static String heapRatioWhy(MemorySnapshot s) {
    return s.oldGenAfterGc() < 0
        ? "needs liveAfterGcBytes: " + why(s, "oldGenAfterGc")
        : "needs maxBytes: " + why(s, "heapMax");
  }

  private static String rssLimitWhy(MemorySnapshot s) {
    return s.unknownReasons().getOrDefault("rssLimit", "no rssLimit configured");
  }

  private static String rssRatioWhy(MemorySnapshot s) {
    return s.rss() < 0 ? "needs rssBytes: " + why(s, "rss") : "needs limitBytes: " + rssLimitWhy(s);
  }

  private static String containerRatioWhy(MemorySnapshot s) {
    if (s.containerLimit() == MemorySnapshot.NO_LIMIT) {
      return "needs limitBytes: none: the memory cgroup sets no limit";
    }
    if (s.containerLimit() < 0) {
      return "needs limitBytes: " + why(s, "containerLimit");
    }
    return "needs workingSetBytes: " + why(s, "containerWorkingSet");
  }

  // ---------------------------------------------------------------- status

  static ObjectNode status(GovernorStatus st) {
    Unknowns u = new Unknowns();
    ObjectNode root = F.objectNode();
    root.put("governor", st.name());
    root.put("running", st.running());
    root.put("ticks", st.ticks());
    MemorySnapshot s = st.snapshot();
    Pressure p = pressure(st);
    if (s == null) {
      root.putNull("sampledAtMillis");
      u.add("sampledAtMillis", "no sample taken yet (the governor has not ticked)");
    } else {
      root.put("sampledAtMillis", s.timestampMillis());
    }
    root.put("level", lower(p.level()));
    if (s != null) {
      long since = s.timestampMillis() - Math.max(0, (s.nanoTime() - p.sinceNanos()) / 1_000_000);
      root.put("levelSinceMillis", since);
    } else {
      root.putNull("levelSinceMillis");
      u.add("levelSinceMillis", "no sample taken yet");
    }
    root.set("governing", governing(p, "governing", u));
    if (s == null) {
      root.putNull("signals");
      u.add("signals", "no sample taken yet (the governor has not ticked)");
    } else {
      root.set("signals", signals(s, p, st, u));
    }
    root.set("trend", trend(st.trend(), u));
    ArrayNode gs = root.putArray("governables");
    for (int i = 0; i < st.governables().size(); i++) {
      gs.add(governable(st.governables().get(i), "governables[" + i + "]", u));
    }
    ArrayNode cs = root.putArray("recentCleanups");
    for (int i = 0; i < st.recentCleanups().size(); i++) {
      cs.add(report(st.recentCleanups().get(i), "recentCleanups[" + i + "]", u));
    }
    root.set("policy", policy(st.policy(), u));
    root.set("unknown", u.toJson());
    return root;
  }

  /** The status's pressure; before the first evaluation, NORMAL with nothing known. */
  static Pressure pressure(GovernorStatus st) {
    return st.pressure() != null ? st.pressure() : Pressure.initial(0);
  }

  static ObjectNode governing(Pressure p, String path, Unknowns u) {
    ObjectNode g = F.objectNode();
    g.put("signal", lower(p.governing()));
    String reason = p.governing() == Signal.NONE ? "no signal is known yet" : "unknown";
    decimal(g, "ratio", round4(p.governingRatio()), path, reason, u);
    decimal(g, "percent", percent(p.governingRatio()), path, reason, u);
    return g;
  }

  static ObjectNode signals(MemorySnapshot s, Pressure p, GovernorStatus st, Unknowns u) {
    ObjectNode sig = F.objectNode();

    ObjectNode heap = sig.putObject("heap");
    String heapWhy = heapRatioWhy(s);
    decimal(heap, "ratio", round4(p.heapRatio()), "signals.heap", heapWhy, u);
    decimal(heap, "percent", percent(p.heapRatio()), "signals.heap", heapWhy, u);
    heap.put("governs", p.governing() == Signal.HEAP);
    bytes(heap, "liveAfterGcBytes", s.oldGenAfterGc(), "signals.heap", why(s, "oldGenAfterGc"), u);
    bytes(heap, "usedBytes", s.heapUsed(), "signals.heap", why(s, "heapUsed"), u);
    bytes(heap, "committedBytes", s.heapCommitted(), "signals.heap", why(s, "heapCommitted"), u);
    bytes(heap, "maxBytes", s.heapMax(), "signals.heap", why(s, "heapMax"), u);
    bytes(heap, "oldGenMaxBytes", s.oldGenMax(), "signals.heap", why(s, "oldGenMax"), u);

    ObjectNode rss = sig.putObject("rss");
    String rssLimitWhy = rssLimitWhy(s);
    String rssWhy = rssRatioWhy(s);
    decimal(rss, "ratio", round4(p.rssRatio()), "signals.rss", rssWhy, u);
    decimal(rss, "percent", percent(p.rssRatio()), "signals.rss", rssWhy, u);
    rss.put("governs", p.governing() == Signal.RSS);
    bytes(rss, "rssBytes", s.rss(), "signals.rss", why(s, "rss"), u);
    bytes(rss, "limitBytes", s.rssLimit(), "signals.rss", rssLimitWhy, u);
    decimal(rss, "recentRisePercent", percent(st.rssRise()), "signals.rss",
        Double.isNaN(p.rssRatio()) ? rssWhy : "not tracked by this status", u);

    ObjectNode c = sig.putObject("container");
    String limitWhy;
    if (s.containerLimit() == MemorySnapshot.NO_LIMIT) {
      limitWhy = "none: the memory cgroup sets no limit";
      c.put("limit", "none");
    } else if (s.containerLimit() < 0) {
      limitWhy = why(s, "containerLimit");
      c.put("limit", "unknown");
    } else {
      limitWhy = null;
      c.put("limit", "set");
    }
    String cWhy = limitWhy != null ? "needs limitBytes: " + limitWhy : "needs workingSetBytes: " + why(s, "containerWorkingSet");
    decimal(c, "ratio", round4(p.containerRatio()), "signals.container", cWhy, u);
    decimal(c, "percent", percent(p.containerRatio()), "signals.container", cWhy, u);
    c.put("governs", p.governing() == Signal.CONTAINER);
    bytes(c, "limitBytes", s.containerLimit() == MemorySnapshot.NO_LIMIT ? -1 : s.containerLimit(),
        "signals.container", limitWhy, u);
    bytes(c, "usageBytes", s.containerUsage(), "signals.container", why(s, "containerUsage"), u);
    bytes(c, "workingSetBytes", s.containerWorkingSet(), "signals.container", why(s, "containerWorkingSet"), u);
    decimal(c, "recentRisePercent", percent(st.containerRise()), "signals.container",
        Double.isNaN(p.containerRatio()) ? cWhy : "not tracked by this status", u);

    ObjectNode gc = sig.putObject("gc");
    bytes(gc, "count", s.gcCount(), "signals.gc", why(s, "gcCount"), u);
    decimal(gc, "overheadPercent", round2(s.gcOverheadPercent()), "signals.gc", why(s, "gcOverheadPercent"), u);
    bytes(gc, "lastPauseMillis", s.lastGcPauseMillis(), "signals.gc", why(s, "lastGcPauseMillis"), u);

    ObjectNode nh = sig.putObject("nonHeap");
    bytes(nh, "metaspaceBytes", s.metaspaceUsed(), "signals.nonHeap", why(s, "metaspaceUsed"), u);
    bytes(nh, "codeCacheBytes", s.codeCacheUsed(), "signals.nonHeap", why(s, "codeCacheUsed"), u);
    bytes(nh, "directBufferBytes", s.directBufferUsed(), "signals.nonHeap", why(s, "directBufferUsed"), u);
    bytes(nh, "mappedBufferBytes", s.mappedBufferUsed(), "signals.nonHeap", why(s, "mappedBufferUsed"), u);
    bytes(nh, "threads", s.threadCount(), "signals.nonHeap", why(s, "threadCount"), u);

    ObjectNode psi = sig.putObject("psi");
    decimal(psi, "someAvg10", s.psiSomeAvg10(), "signals.psi", why(s, "psiSomeAvg10"), u);
    decimal(psi, "fullAvg10", s.psiFullAvg10(), "signals.psi", why(s, "psiFullAvg10"), u);
    return sig;
  }

  static ObjectNode trend(Trend t, Unknowns u) {
    ObjectNode n = F.objectNode();
    Trend trend = t == null ? Trend.UNKNOWN : t;
    decimal(n, "bytesPerMinute", trend.bytesPerMinute(), "trend",
        "too few after-GC samples (" + trend.samples() + ") for a slope", u);
    n.put("leakSuspected", trend.leakSuspected());
    bytes(n, "secondsToLimit", trend.secondsToLimit(), "trend",
        "the live set is not rising, or no governing limit is known", u);
    n.put("samples", trend.samples());
    return n;
  }

  static ObjectNode governable(GovernableStatus g, String path, Unknowns u) {
    ObjectNode n = F.objectNode();
    n.put("name", g.name());
    n.put("kind", g.kind());
    boolean failed = g.state() != null && g.state().startsWith("status failed");
    bytes(n, "footprintBytes", g.footprintBytes(), path, failed ? g.state() : "the governable cannot tell its footprint", u);
    n.put("footprintIsEstimate", g.footprintIsEstimate());
    n.put("budgetUnit", g.budgetUnit());
    bytes(n, "configuredBudget", g.configuredBudget(), path, failed ? g.state() : "the governable has no budget", u);
    bytes(n, "currentBudget", g.currentBudget(), path, failed ? g.state() : "the governable has no budget", u);
    n.put("rebuildCost", lower(g.rebuildCost()));
    n.put("state", g.state());
    return n;
  }

  // ---------------------------------------------------------------- cleanup report

  static ObjectNode report(CleanupReport r, String path, Unknowns u) {
    ObjectNode n = F.objectNode();
    n.put("id", r.id());
    n.put("trigger", lower(r.trigger()));
    n.put("level", lower(r.level()));
    n.put("startedAtMillis", r.startedAtMillis());
    n.put("durationMillis", millis(r.durationNanos()));
    n.put("targetBytes", r.targetBytes());
    ObjectNode pb = n.putObject("pressureBefore");
    pb.put("level", lower(r.pressureBefore().level()));
    pb.setAll(governing(r.pressureBefore(), at(path, "pressureBefore"), u));
    long before = 0;
    long after = 0;
    boolean beforeKnown = true;
    boolean afterKnown = true;
    ArrayNode gs = n.putArray("governables");
    for (int i = 0; i < r.outcomes().size(); i++) {
      CleanupReport.GovernableOutcome o = r.outcomes().get(i);
      String op = at(path, "governables[" + i + "]");
      ObjectNode g = gs.addObject();
      g.put("name", o.name());
      g.put("kind", o.kind());
      g.put("targetBytes", o.targetBytes());
      bytes(g, "bytesBefore", o.bytesBefore(), op, "the governable cannot tell its footprint", u);
      bytes(g, "bytesAfter", o.bytesAfter(), op, "the governable cannot tell its footprint", u);
      if (o.bytesBefore() >= 0 && o.bytesAfter() >= 0) {
        g.put("reclaimedBytes", Math.max(0, o.bytesBefore() - o.bytesAfter()));
      } else {
        g.putNull("reclaimedBytes");
        u.add(op + ".reclaimedBytes", "needs bytesBefore and bytesAfter");
      }
      bytes(g, "budgetBefore", o.budgetBefore(), op, "the governable has no budget", u);
      bytes(g, "budgetAfter", o.budgetAfter(), op, "the governable has no budget", u);
      g.put("action", o.action());
      g.put("durationMillis", millis(o.durationNanos()));
      if (o.error() == null) {
        g.putNull("error");
      } else {
        g.put("error", o.error());
      }
      beforeKnown &= o.bytesBefore() >= 0;
      afterKnown &= o.bytesAfter() >= 0;
      before += Math.max(0, o.bytesBefore());
      after += Math.max(0, o.bytesAfter());
    }
    bytes(n, "bytesBefore", beforeKnown ? before : -1, path, "a governable cannot tell its footprint", u);
    bytes(n, "bytesAfter", afterKnown ? after : -1, path, "a governable cannot tell its footprint", u);
    if (r.reclaimedKnown()) {
      n.put("reclaimedBytes", r.reclaimedBytes());
    } else {
      n.putNull("reclaimedBytes");
      u.add(at(path, "reclaimedBytes"), "a governable cannot tell its footprint");
    }
    ArrayNode errors = n.putArray("errors");
    r.errors().forEach(errors::add);
    return n;
  }

  static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  // ---------------------------------------------------------------- cache clear

  static ObjectNode cleared(String target, List<ClearResult> results) {
    Unknowns u = new Unknowns();
    ObjectNode n = F.objectNode();
    n.put("target", target);
    ArrayNode arr = n.putArray("cleared");
    long entries = 0;
    long bytes = 0;
    long keys = 0;
    int failed = 0;
    for (int i = 0; i < results.size(); i++) {
      ClearResult r = results.get(i);
      String path = "cleared[" + i + "]";
      ObjectNode c = arr.addObject();
      c.put("cache", r.cache());
      c.put("tier", r.tier().wireName());
      String why = r.error() != null ? "clearing failed: " + r.error() : "the cache cannot tell";
      bytes(c, "l1Entries", r.l1Entries(), path, why, u);
      bytes(c, "l1Bytes", r.l1Bytes(), path, why, u);
      bytes(c, "l2Keys", r.l2Keys(), path, why, u);
      if (r.error() == null) {
        c.putNull("error");
      } else {
        c.put("error", r.error());
        failed++;
      }
      entries += Math.max(0, r.l1Entries());
      bytes += Math.max(0, r.l1Bytes());
      keys += Math.max(0, r.l2Keys());
    }
    ObjectNode t = n.putObject("totals");
    t.put("caches", results.size());
    t.put("failed", failed);
    t.put("l1Entries", entries);
    t.put("l1Bytes", bytes);
    t.put("l2Keys", keys);
    n.set("unknown", u.toJson());
    return n;
  }

  // ---------------------------------------------------------------- history

  static ObjectNode history(long since, GovernorHistory h) {
    Unknowns u = new Unknowns();
    ObjectNode n = F.objectNode();
    n.put("sinceMillis", since);
    // one reason per field for the whole series ("snapshots[].rssRatio"), not one per point
    ArrayNode snaps = n.putArray("snapshots");
    String path = "snapshots[]";
    for (MemorySnapshot s : h.snapshots()) {
      ObjectNode o = snaps.addObject();
      o.put("timestampMillis", s.timestampMillis());
      decimal(o, "heapRatio", round4(s.heapRatio()), path, heapRatioWhy(s), u);
      decimal(o, "rssRatio", round4(s.rssRatio()), path, rssRatioWhy(s), u);
      decimal(o, "containerRatio", round4(s.containerRatio()), path, containerRatioWhy(s), u);
      bytes(o, "heapUsedBytes", s.heapUsed(), path, why(s, "heapUsed"), u);
      bytes(o, "liveAfterGcBytes", s.oldGenAfterGc(), path, why(s, "oldGenAfterGc"), u);
      bytes(o, "rssBytes", s.rss(), path, why(s, "rss"), u);
      bytes(o, "containerWorkingSetBytes", s.containerWorkingSet(), path, why(s, "containerWorkingSet"), u);
      decimal(o, "gcOverheadPercent", round2(s.gcOverheadPercent()), path, why(s, "gcOverheadPercent"), u);
    }
    ArrayNode changes = n.putArray("levelChanges");
    for (int i = 0; i < h.levelChanges().size(); i++) {
      LevelChange c = h.levelChanges().get(i);
      ObjectNode o = changes.addObject();
      o.put("timestampMillis", c.timestampMillis());
      o.put("from", lower(c.from()));
      o.put("to", lower(c.to()));
      o.put("governing", lower(c.governing()));
      decimal(o, "ratio", round4(c.ratio()), "levelChanges[]", "no signal was known", u);
    }
    n.set("unknown", u.toJson());
    return n;
  }

  // ---------------------------------------------------------------- health

  static ObjectNode health(GovernorStatus st) {
    Unknowns u = new Unknowns();
    ObjectNode n = F.objectNode();
    Pressure p = pressure(st);
    boolean emergency = p.level() == PressureLevel.EMERGENCY;
    n.put("status", emergency ? "emergency" : "ok");
    n.put("governor", st.name());
    n.put("running", st.running());
    n.put("level", lower(p.level()));
    n.set("governing", governing(p, "governing", u));
    n.put("leakSuspected", st.trend() != null && st.trend().leakSuspected());
    if (st.snapshot() == null) {
      n.putNull("sampledAtMillis");
      u.add("sampledAtMillis", "no sample taken yet (the governor has not ticked)");
    } else {
      n.put("sampledAtMillis", st.snapshot().timestampMillis());
    }
    n.set("unknown", u.toJson());
    return n;
  }

  // ---------------------------------------------------------------- policy

  static ObjectNode policy(GovernorPolicy policy, Unknowns u) {
    ObjectNode n = F.objectNode();
    if (policy == null) {
      return n;
    }
    for (Map.Entry<String, Object> e : policy.asMap().entrySet()) {
      Object v = e.getValue();
      String k = e.getKey();
      if (v instanceof Duration) {
        n.put(k, v.toString());
      } else if (v instanceof Integer) {
        n.put(k, (Integer) v);
      } else if (v instanceof Long) {
        long l = (Long) v;
        if (l < 0) {
          n.putNull(k);
          u.add("policy." + k, "not set (" + propertyOf(k) + ")");
        } else {
          n.put(k, l);
        }
      } else if (v instanceof Boolean) {
        n.put(k, (Boolean) v);
      } else if (v == null) {
        n.putNull(k);
        u.add("policy." + k, "not set");
      } else {
        n.put(k, v.toString());
      }
    }
    return n;
  }

  private static String propertyOf(String camel) {
    for (GovernorPolicy.Key key : GovernorPolicy.Key.values()) {
      if (key.camel().equals(camel)) {
        return key.property();
      }
    }
    return camel;
  }

  static ObjectNode error(ApiError e) {
    ObjectNode n = F.objectNode();
    n.put("error", e.code);
    n.put("message", e.getMessage());
    ArrayNode a = n.putArray("accepted");
    e.accepted.forEach(a::add);
    return n;
  }

  static byte[] write(ObjectMapper mapper, ObjectNode n) {
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException("memgov http: cannot write JSON", e);
    }
  }
}
