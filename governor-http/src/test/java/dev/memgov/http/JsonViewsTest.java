package dev.memgov.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memgov.core.CacheTier;
import dev.memgov.core.ClearResult;
import dev.memgov.core.GovernableStatus;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.GovernorStatus;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.Signal;
import dev.memgov.core.Trend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How figures that are unknown, unlimited or not yet sampled are rendered: null plus a reason. */
class JsonViewsTest {

  private static final GovernableStatus NO_FOOTPRINT =
      new GovernableStatus("pool", "pool", -1, true, "connections", 10, 4, RebuildCost.MODERATE, "ok");

  @Test
  void beforeTheFirstSampleEveryFigureIsNullWithAReason() {
    GovernorStatus st = new GovernorStatus("g", false, null, Pressure.initial(0), Trend.UNKNOWN,
        List.of(NO_FOOTPRINT), List.of(), GovernorPolicy.defaults(), 0);

    ObjectNode n = JsonViews.status(st);

    assertThat(n.get("sampledAtMillis").isNull()).isTrue();
    assertThat(n.get("signals").isNull()).isTrue();
    assertThat(n.path("level").asText()).isEqualTo("normal");
    assertThat(n.path("governing").path("signal").asText()).isEqualTo("none");
    assertThat(n.path("governing").get("ratio").isNull()).isTrue();
    assertThat(n.path("governing").get("percent").isNull()).as("an unknown ratio is no 0 %").isTrue();
    JsonNode unknown = n.path("unknown");
    assertThat(unknown.path("signals").asText()).contains("no sample taken yet");
    assertThat(unknown.path("governing.ratio").asText()).isEqualTo("no signal is known yet");
    assertThat(n.path("governables").get(0).get("footprintBytes").isNull()).isTrue();
    assertThat(unknown.path("governables[0].footprintBytes").asText()).contains("cannot tell");
    assertThat(n.path("trend").get("bytesPerMinute").isNull()).isTrue();
    assertThat(unknown.path("trend.bytesPerMinute").asText()).contains("too few after-GC samples (0)");
    assertThat(n.path("trend").get("secondsToLimit").isNull()).isTrue();
  }

  @Test
  void aContainerLimitIsShownAsSetNoneOrUnknownNeverAsMinusOneOrMaxLong() {
    MemorySnapshot limited = MemorySnapshot.builder().heap(1, 2, 100).oldGenAfterGc(50)
        .container(1000, 800, 600).build();
    MemorySnapshot unlimited = MemorySnapshot.builder().heap(1, 2, 100).oldGenAfterGc(50)
        .container(MemorySnapshot.NO_LIMIT, 800, 600).build();
    MemorySnapshot unread = MemorySnapshot.builder().heap(1, 2, 100).oldGenAfterGc(50)
        .unknownReasons(Map.of("containerLimit", "no memory cgroup found in /proc/self/cgroup")).build();
    Pressure p = new Pressure(PressureLevel.NORMAL, Signal.CONTAINER, 0.6, 0.5, Double.NaN, 0.6, 0);
    GovernorStatus st = new GovernorStatus("g", true, limited, p, Trend.UNKNOWN, List.of(), List.of(),
        GovernorPolicy.defaults(), 1, 0.1875, Double.NaN);

    JsonViews.Unknowns u1 = new JsonViews.Unknowns();
    JsonNode set = JsonViews.signals(limited, p, st, u1).path("container");
    assertThat(set.path("limit").asText()).isEqualTo("set");
    assertThat(set.path("limitBytes").asLong()).isEqualTo(1000);
    assertThat(set.path("percent").asDouble()).isEqualTo(60.0);
    assertThat(set.path("governs").asBoolean()).isTrue();
    assertThat(u1.reasons).doesNotContainKey("signals.container.limitBytes");
    assertThat(set.path("recentRisePercent").asDouble()).isEqualTo(18.75);
    assertThat(u1.reasons.get("signals.rss.recentRisePercent")).startsWith("needs");

    JsonViews.Unknowns u2 = new JsonViews.Unknowns();
    JsonNode none = JsonViews.signals(unlimited, p, st, u2).path("container");
    assertThat(none.path("limit").asText()).isEqualTo("none");
    assertThat(none.get("limitBytes").isNull()).isTrue();
    assertThat(u2.reasons.get("signals.container.limitBytes")).isEqualTo("none: the memory cgroup sets no limit");
    assertThat(none.path("workingSetBytes").asLong()).isEqualTo(600);

    JsonViews.Unknowns u3 = new JsonViews.Unknowns();
    JsonNode unknown = JsonViews.signals(unread, p, st, u3).path("container");
    assertThat(unknown.path("limit").asText()).isEqualTo("unknown");
    assertThat(u3.reasons.get("signals.container.limitBytes")).isEqualTo("no memory cgroup found in /proc/self/cgroup");
    assertThat(u3.reasons.get("signals.container.usageBytes")).isEqualTo("not reported by the sensor");
    assertThat(u3.reasons.get("signals.gc.overheadPercent")).isEqualTo("not reported by the sensor");
  }

  @Test
  void clearCountsACacheCannotTellAreNullWithAReasonAndLeftOutOfTotals() {
    JsonNode n = JsonViews.cleared("all", List.of(
        new ClearResult("a", CacheTier.ALL, 3, 300, -1, "memgov cache 'a': L2 unreachable"),
        new ClearResult("b", CacheTier.ALL, 2, 200, 7, null)));

    assertThat(n.path("cleared").get(0).get("l2Keys").isNull()).isTrue();
    assertThat(n.path("cleared").get(0).path("error").asText()).contains("L2 unreachable");
    assertThat(n.path("unknown").path("cleared[0].l2Keys").asText()).isEqualTo("clearing failed: memgov cache 'a': L2 unreachable");
    assertThat(n.path("totals").path("failed").asInt()).isEqualTo(1);
    assertThat(n.path("totals").path("l1Entries").asLong()).isEqualTo(5);
    assertThat(n.path("totals").path("l1Bytes").asLong()).isEqualTo(500);
    assertThat(n.path("totals").path("l2Keys").asLong()).isEqualTo(7);
    assertThat(n.path("totals").path("caches").asInt()).isEqualTo(2);
  }

  @Test
  void thePolicyShowsEveryKeyDurationsAsIso8601AndNoRssLimitAsNull() {
    JsonViews.Unknowns u = new JsonViews.Unknowns();
    JsonNode n = JsonViews.policy(GovernorPolicy.defaults(), u);

    assertThat(n.size()).isEqualTo(GovernorPolicy.Key.values().length);
    assertThat(n.path("tickInterval").asText()).isEqualTo("PT1S");
    assertThat(n.path("warningPercent").asInt()).isEqualTo(70);
    assertThat(n.get("rssLimit").isNull()).isTrue();
    assertThat(u.reasons.get("policy.rssLimit")).isEqualTo("not set (memgov.rss-limit)");
  }
}
