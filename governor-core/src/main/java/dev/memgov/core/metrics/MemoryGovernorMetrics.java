package dev.memgov.core.metrics;

import dev.memgov.core.CleanupReport;
import dev.memgov.core.Governable;
import dev.memgov.core.GovernorEvent;
import dev.memgov.core.GovernorStatus;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.Signal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Micrometer meters for a governor (Micrometer is an optional dependency of core; only this class
 * needs it). Every meter carries the tag {@code governor}:
 *
 * <ul>
 *   <li>{@value #LEVEL} gauge: 0 NORMAL, 1 WARNING, 2 CRITICAL, 3 EMERGENCY;
 *   <li>{@value #RATIO} gauge by {@code signal} (heap, rss, container): the figure over its limit,
 *       NaN when unknown;
 *   <li>{@value #RISE} gauge by {@code signal} (rss, container): the largest recent rise of that
 *       figure, as a fraction of its limit (what spike headroom keeps room for), NaN when unknown;
 *   <li>{@value #FOOTPRINT} (bytes) and {@value #BUDGET} (tag {@code unit}) gauges by {@code
 *       governable}, added and removed as governables come and go;
 *   <li>{@value #CLEANUPS} counter by {@code level} and {@code trigger}; {@value #RECLAIMED}
 *       counter of bytes freed by cleanups.
 * </ul>
 *
 * <p>Holds the governor weakly: binding never keeps a governor alive. {@link #close()} removes
 * every meter it registered. This class is thread-safe.
 */
public final class MemoryGovernorMetrics implements MeterBinder, AutoCloseable {
  public static final String LEVEL = "memgov.pressure.level";
  public static final String RATIO = "memgov.pressure.ratio";
  public static final String RISE = "memgov.pressure.rise";
  public static final String FOOTPRINT = "memgov.governable.footprint";
  public static final String BUDGET = "memgov.governable.budget";
  public static final String CLEANUPS = "memgov.cleanups";
  public static final String RECLAIMED = "memgov.reclaimed";

  private final WeakReference<MemoryGovernor> governor;
  private final String governorName;
  private final Tags tags;
  private final List<Bound> bound = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> subscriptions = new ArrayList<>();
  private boolean closed;

  /** Meters for {@code governor}, tagged {@code governor=<name>}. */
  public MemoryGovernorMetrics(MemoryGovernor governor) {
    this(governor, Tags.empty());
  }

  /** Meters for {@code governor} with extra common tags. */
  public MemoryGovernorMetrics(MemoryGovernor governor, Iterable<Tag> tags) {
    Objects.requireNonNull(governor, "governor");
    this.governor = new WeakReference<>(governor);
    this.governorName = governor.name();
    this.tags = Tags.of(tags).and("governor", governorName);
  }

  /** One registry this binder registered meters in (once, however often it is bound), and those meters. */
  private static final class Bound {
    final MeterRegistry registry;
    final List<Meter> meters = new CopyOnWriteArrayList<>();

    Bound(MeterRegistry registry) {
      this.registry = registry;
    }
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    MemoryGovernor g = governor.get();
    if (closed || g == null) {
      return;
    }
    for (Bound other : bound) {
      if (other.registry == registry) {
        return; // bound already: a second Bound would count every cleanup twice in the same counters
      }
    }
    Bound b = new Bound(registry);
    bound.add(b);
    b.meters.add(Gauge.builder(LEVEL, governor, ref -> level(ref.get()))
        .tags(tags).description("Memory pressure level: 0 normal, 1 warning, 2 critical, 3 emergency")
        .register(registry));
    for (Signal s : List.of(Signal.HEAP, Signal.RSS, Signal.CONTAINER)) {
      b.meters.add(Gauge.builder(RATIO, governor, ref -> ratio(ref.get(), s))
          .tags(tags).tag("signal", s.wireName())
          .description("A memory signal over its limit (heap: old generation after GC over the old generation's maximum)")
          .baseUnit("ratio").register(registry));
    }
    for (Signal s : List.of(Signal.RSS, Signal.CONTAINER)) {
      b.meters.add(Gauge.builder(RISE, governor, ref -> rise(ref.get(), s))
          .tags(tags).tag("signal", s.wireName())
          .description("The largest recent rise of a resident figure (over the lowest reading of the 10 s before it,"
              + " within 2 minutes), as a fraction of its limit")
          .baseUnit("ratio").register(registry));
    }
    b.meters.add(Counter.builder(RECLAIMED).tags(tags).baseUnit(BaseUnits.BYTES)
        .description("Bytes freed by cleanups (footprint before minus after)").register(registry));
    for (Governable gv : g.governables()) {
      addGovernable(b, gv);
    }
    if (subscriptions.isEmpty()) {
      subscriptions.add(g.subscribe(GovernorEvent.CleanupCompleted.class, e -> cleanup(e.report())));
      subscriptions.add(g.subscribe(GovernorEvent.GovernableAdded.class, e -> added(e.name())));
      subscriptions.add(g.subscribe(GovernorEvent.GovernableRemoved.class, e -> removed(e.name())));
    }
  }

  private static double level(MemoryGovernor g) {
    return g == null ? Double.NaN : g.status().level().ordinal();
  }

  private static double rise(MemoryGovernor g, Signal s) {
    return g == null ? Double.NaN : g.status().rise(s);
  }

  private static double ratio(MemoryGovernor g, Signal s) {
    if (g == null) {
      return Double.NaN;
    }
    GovernorStatus st = g.status();
    return st.pressure().ratio(s);
  }

  private void addGovernable(Bound b, Governable gv) {
    Tags t = tags.and("governable", gv.name());
    b.meters.add(Gauge.builder(FOOTPRINT, gv, Governable::footprintBytes).tags(t)
        .description("Bytes a governable holds (an estimate)").baseUnit(BaseUnits.BYTES).register(b.registry));
    b.meters.add(Gauge.builder(BUDGET, gv, Governable::currentBudget).tags(t).tag("unit", gv.budgetUnit())
        .description("A governable's current budget, in its unit (tag unit)").register(b.registry));
  }

  private synchronized void added(String name) {
    MemoryGovernor g = governor.get();
    if (closed || g == null) {
      return;
    }
    for (Governable gv : g.governables()) {
      if (gv.name().equals(name)) {
        for (Bound b : bound) {
          addGovernable(b, gv);
        }
      }
    }
  }

  private synchronized void removed(String name) {
    for (Bound b : bound) {
      for (Meter m : b.meters) {
        if (name.equals(m.getId().getTag("governable"))) {
          b.registry.remove(m);
          b.meters.remove(m);
        }
      }
    }
  }

  private synchronized void cleanup(CleanupReport r) {
    if (closed) {
      return;
    }
    for (Bound b : bound) {
      Counter c = Counter.builder(CLEANUPS).tags(tags).tag("level", r.level().wireName())
          .tag("trigger", r.trigger().name().toLowerCase(Locale.ROOT))
          .description("Cleanups run, by level and trigger").register(b.registry);
      Counter bytes = Counter.builder(RECLAIMED).tags(tags).baseUnit(BaseUnits.BYTES)
          .description("Bytes freed by cleanups (footprint before minus after)").register(b.registry);
      if (!b.meters.contains(c)) {
        b.meters.add(c);
      }
      if (!b.meters.contains(bytes)) {
        b.meters.add(bytes);
      }
      c.increment();
      bytes.increment(r.reclaimedBytes());
    }
  }

  /** Unsubscribes and removes every meter this binder registered. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable s : subscriptions) {
      try {
        s.close();
      } catch (Exception e) {
        // unsubscribing cannot fail
      }
    }
    subscriptions.clear();
    for (Bound b : bound) {
      for (Meter m : b.meters) {
        b.registry.remove(m);
      }
    }
    bound.clear();
  }
}
