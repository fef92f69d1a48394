package dev.memgov.jdbc;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer gauges for governed HikariCP pools: the pool's size and its budget, tagged with the
 * governable's name. HikariCP's own {@code hikaricp.*} metrics stay as they are; these add what
 * memgov did to the pool.
 *
 * <ul>
 *   <li>{@code memgov.jdbc.pool.connections} {governable, state=active|idle|total}: connections
 *       in the pool now.
 *   <li>{@code memgov.jdbc.pool.budget} {governable, budget=current|configured|floor}: the
 *       pool's maximum now, the maximum configured at adoption, and the floor.
 * </ul>
 *
 * <p>Gauges hold the governables weakly, so binding never keeps a pool alive. Micrometer is an
 * optional dependency of governor-jdbc: only this class needs it. This class is thread-safe.
 */
public final class HikariGovernableMetrics implements MeterBinder {

  static final String CONNECTIONS = "memgov.jdbc.pool.connections";
  static final String BUDGET = "memgov.jdbc.pool.budget";

  private final List<HikariGovernable> pools;

  /** Gauges for these pools. */
  public HikariGovernableMetrics(HikariGovernable... pools) {
    for (HikariGovernable p : pools) {
      Objects.requireNonNull(p, "pools must not contain null");
    }
    this.pools = List.of(pools);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (HikariGovernable pool : pools) {
      Tags tags = Tags.of("governable", pool.name());
      connections(registry, pool, tags, "active", HikariGovernable::activeConnections);
      connections(registry, pool, tags, "idle", HikariGovernable::idleConnections);
      connections(registry, pool, tags, "total", HikariGovernable::totalConnections);
      budget(registry, pool, tags, "current", HikariGovernable::currentBudget);
      budget(registry, pool, tags, "configured", HikariGovernable::configuredBudget);
      budget(registry, pool, tags, "floor", HikariGovernable::floor);
    }
  }

  private static void connections(MeterRegistry registry, HikariGovernable pool, Tags tags, String state,
      ToDoubleFunction<HikariGovernable> f) {
    Gauge.builder(CONNECTIONS, pool, f)
        .description("Connections in a governed HikariCP pool, by state")
        .baseUnit("connections")
        .tags(tags.and("state", state))
        .register(registry);
  }

  private static void budget(MeterRegistry registry, HikariGovernable pool, Tags tags, String budget,
      ToDoubleFunction<HikariGovernable> f) {
    Gauge.builder(BUDGET, pool, f)
        .description("maximumPoolSize of a governed HikariCP pool: now, as configured, and its floor")
        .baseUnit("connections")
        .tags(tags.and("budget", budget))
        .register(registry);
  }
}
