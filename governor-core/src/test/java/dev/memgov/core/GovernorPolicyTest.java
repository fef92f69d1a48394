package dev.memgov.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The policy: defaults, each bad value from the builder, properties and environment, with its message. */
class GovernorPolicyTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    GovernorPolicy p = GovernorPolicy.defaults();
    assertThat(p.threshold(PressureLevel.WARNING)).isEqualTo(0.70);
    assertThat(p.threshold(PressureLevel.CRITICAL)).isEqualTo(0.85);
    assertThat(p.threshold(PressureLevel.EMERGENCY)).isEqualTo(0.92);
    assertThat(p.threshold(PressureLevel.NORMAL)).isZero();
    assertThat(p.hysteresis()).isEqualTo(0.05);
    assertThat(p.gcOverheadWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.leakGcCount()).isEqualTo(8);
    assertThat(p.rssLimitBytes()).isEqualTo(-1);
  }

  @ParameterizedTest
  @CsvSource({"70, 85, 92, 5, 0.65, 0.80, 0.87", "60, 80, 90, 10, 0.50, 0.70, 0.80", "50, 90, 92, 6, 0.44, 0.84, 0.86"})
  void aLevelsLowerEdgeIsExactInWholePoints(int warning, int critical, int emergency, int points, double w, double c,
      double e) {
    // 0.70 - 0.05 is 0.6499999999999999 and 0.80 - 0.10 is 0.7000000000000001: a figure exactly at
    // the edge would leave the level, or be calm, one rounding step early
    GovernorPolicy p = GovernorPolicy.builder().warningPercent(warning).criticalPercent(critical)
        .emergencyPercent(emergency).hysteresisPoints(points).build();
    assertThat(p.lowerEdge(PressureLevel.WARNING)).isEqualTo(w);
    assertThat(p.lowerEdge(PressureLevel.CRITICAL)).isEqualTo(c);
    assertThat(p.lowerEdge(PressureLevel.EMERGENCY)).isEqualTo(e);
    assertThat(p.lowerEdge(PressureLevel.NORMAL)).isZero();
  }

  @Test
  void eachBadBuilderValueIsRejectedWithNameRuleAndValue() {
    GovernorPolicy.Builder b = GovernorPolicy.builder();
    assertMessage(() -> b.warningPercent(120), "warningPercent must be between 1 and 99, but was 120");
    assertMessage(() -> b.criticalPercent(0), "criticalPercent must be between 1 and 99, but was 0");
    assertMessage(() -> b.emergencyPercent(100), "emergencyPercent must be between 1 and 99, but was 100");
    assertMessage(() -> b.hysteresisPoints(-1), "hysteresisPoints must be between 0 and 50, but was -1");
    assertMessage(() -> b.tickInterval(Duration.ofMillis(1)), "tickInterval must be between PT0.01S and PT1H, but was PT0.001S");
    assertMessage(() -> b.settleWindow(Duration.ofSeconds(-1)), "settleWindow must be between PT0S and PT1H, but was PT-1S");
    assertMessage(() -> b.calmWindow(Duration.ofDays(2)), "calmWindow must be between PT0S and PT24H, but was PT48H");
    assertMessage(() -> b.cooldown(CleanupLevel.STANDARD, Duration.ofHours(2)), "cooldownStandard must be between PT0S and PT1H, but was PT2H");
    assertMessage(() -> b.restoreStepPercent(0), "restoreStepPercent must be between 1 and 100, but was 0");
    assertMessage(() -> b.rssLimitBytes(1000), "rssLimit must be -1 (none) or at least 16 MiB, but was 1000");
    assertMessage(() -> b.gcOverheadWindow(Duration.ofMillis(500)), "gcOverheadWindow must be between PT1S and PT1H, but was PT0.5S");
    assertMessage(() -> b.historySize(0), "historySize must be between 1 and 100000, but was 0");
    assertMessage(() -> b.leakGcCount(2), "leakGcCount must be between 3 and 1000, but was 2");
    assertThatThrownBy(() -> b.tickInterval(null)).isInstanceOf(NullPointerException.class).hasMessage("tickInterval");
    // nothing was changed by the rejected calls
    assertThat(b.build()).isEqualTo(GovernorPolicy.defaults());
  }

  @Test
  void combinationsAreCheckedAtBuild() {
    assertMessage(() -> GovernorPolicy.builder().warningPercent(90).build(),
        "thresholds must rise: warningPercent < criticalPercent < emergencyPercent, but were 90, 85, 92");
    assertMessage(() -> GovernorPolicy.builder().warningPercent(10).hysteresisPoints(10).build(),
        "hysteresisPoints must be below warningPercent (10), but was 10");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "memgov.warning-percent|120|memgov.warning-percent: warningPercent must be between 1 and 99, but was 120",
    "memgov.warning-percent|high|memgov.warning-percent: must be a whole number, but was 'high'",
    "memgov.tick-interval|soon|memgov.tick-interval: must be a duration such as 500ms, 5s, 2m, 1h or PT5S, but was 'soon'",
    "memgov.tick-interval|5ms|memgov.tick-interval: tickInterval must be between PT0.01S and PT1H, but was PT0.005S",
    "memgov.rss-limit|lots|memgov.rss-limit: must be a size in bytes or with k, m or g (e.g. 512m), or -1 for none, but was 'lots'",
    "memgov.rss-limit|1m|memgov.rss-limit: rssLimit must be -1 (none) or at least 16 MiB, but was 1048576",
    "memgov.gc-trigger|yes|memgov.gc-trigger: must be true or false, but was 'yes'",
    "memgov.leak-gc-count|1|memgov.leak-gc-count: leakGcCount must be between 3 and 1000, but was 1",
    "memgov.gc-overhead-window|2h|memgov.gc-overhead-window: gcOverheadWindow must be between PT1S and PT1H, but was PT2H"
  })
  void badPropertiesNameTheKey(String key, String value, String message) {
    Properties p = new Properties();
    p.setProperty(key, value);
    assertMessage(() -> GovernorPolicy.fromProperties(p), message);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "MEMGOV_CRITICAL_PERCENT|99.5|MEMGOV_CRITICAL_PERCENT: must be a whole number, but was '99.5'",
    "MEMGOV_HYSTERESIS_POINTS|60|MEMGOV_HYSTERESIS_POINTS: hysteresisPoints must be between 0 and 50, but was 60",
    "MEMGOV_COOLDOWN_LIGHT|-5s|MEMGOV_COOLDOWN_LIGHT: cooldownLight must be between PT0S and PT1H, but was PT-5S",
    "MEMGOV_HISTORY_SIZE|0|MEMGOV_HISTORY_SIZE: historySize must be between 1 and 100000, but was 0",
    "MEMGOV_SYSTEM_GC|maybe|MEMGOV_SYSTEM_GC: must be true or false, but was 'maybe'"
  })
  void badEnvironmentVariablesNameTheVariable(String name, String value, String message) {
    assertMessage(() -> GovernorPolicy.fromEnvironment(Map.of(name, value)), message);
  }

  @Test
  void aCombinationErrorFromPropertiesIsReported() {
    Properties p = new Properties();
    p.setProperty("memgov.warning-percent", "88");
    assertMessage(() -> GovernorPolicy.fromProperties(p),
        "memgov.warning-percent=88 (the rest at their defaults): "
            + "thresholds must rise: warningPercent < criticalPercent < emergencyPercent, but were 88, 85, 92");
  }

  @Test
  void aCombinationErrorFromTheEnvironmentNamesTheVariablesGiven() {
    Map<String, String> env = new java.util.TreeMap<>(Map.of(
        "MEMGOV_CRITICAL_PERCENT", "80", "MEMGOV_HYSTERESIS_POINTS", "40", "MEMGOV_WARNING_PERCENT", "30"));
    assertMessage(() -> GovernorPolicy.fromEnvironment(env),
        "MEMGOV_WARNING_PERCENT=30, MEMGOV_CRITICAL_PERCENT=80, MEMGOV_HYSTERESIS_POINTS=40 (the rest at their"
            + " defaults): hysteresisPoints must be below warningPercent (30), but was 40");
  }

  @Test
  void goodValuesAreReadFromPropertiesAndEnvironment() {
    Properties p = new Properties();
    p.setProperty("memgov.warning-percent", " 60 ");
    p.setProperty("memgov.tick-interval", "500ms");
    p.setProperty("memgov.rss-limit", "512m");
    p.setProperty("memgov.gc-overhead-window", "PT30S");
    p.setProperty("memgov.cooldown-emergency", "2m");
    p.setProperty("memgov.native-trim", "FALSE");
    GovernorPolicy fromProps = GovernorPolicy.fromProperties(p);
    assertThat(fromProps.warningPercent()).isEqualTo(60);
    assertThat(fromProps.tickInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(fromProps.rssLimitBytes()).isEqualTo(512L << 20);
    assertThat(fromProps.gcOverheadWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(fromProps.cooldown(CleanupLevel.EMERGENCY)).isEqualTo(Duration.ofMinutes(2));
    assertThat(fromProps.nativeTrimEnabled()).isFalse();

    GovernorPolicy fromEnv = GovernorPolicy.fromEnvironment(Map.of(
        "MEMGOV_WARNING_PERCENT", "60", "MEMGOV_TICK_INTERVAL", "500ms", "MEMGOV_RSS_LIMIT", "512m",
        "MEMGOV_GC_OVERHEAD_WINDOW", "30s", "MEMGOV_COOLDOWN_EMERGENCY", "PT2M", "MEMGOV_NATIVE_TRIM", "false",
        "UNRELATED", "x"));
    assertThat(fromEnv).isEqualTo(fromProps);
    assertThat(fromEnv.hashCode()).isEqualTo(fromProps.hashCode());
    assertThat(GovernorPolicy.fromEnvironment(Map.of())).isEqualTo(GovernorPolicy.defaults());
  }

  @Test
  void asMapListsEveryKeyAndToBuilderCopies() {
    GovernorPolicy p = GovernorPolicy.builder().leakGcCount(12).build();
    assertThat(p.asMap()).hasSize(GovernorPolicy.Key.values().length).containsEntry("leakGcCount", 12);
    assertThat(p.toBuilder().build()).isEqualTo(p);
    assertThat(GovernorPolicy.Key.RSS_LIMIT.property()).isEqualTo("memgov.rss-limit");
    assertThat(GovernorPolicy.Key.RSS_LIMIT.env()).isEqualTo("MEMGOV_RSS_LIMIT");
  }

  @Test
  void idleAfterDefaultsTo15sIsReadFromPropertiesAndEnvironmentAndZeroTurnsItOff() {
    assertThat(GovernorPolicy.defaults().idleAfter()).isEqualTo(Duration.ofSeconds(15));
    assertThat(GovernorPolicy.defaults().asMap()).containsEntry("idleAfter", Duration.ofSeconds(15));
    Properties p = new Properties();
    p.setProperty("memgov.idle-after", "0s");
    assertThat(GovernorPolicy.fromProperties(p).idleAfter()).isEqualTo(Duration.ZERO);
    assertThat(GovernorPolicy.fromEnvironment(Map.of("MEMGOV_IDLE_AFTER", "2m")).idleAfter())
        .isEqualTo(Duration.ofMinutes(2));
    // a bare 0 turns it off too, as the README's "0 (off)" reads
    assertThat(GovernorPolicy.fromEnvironment(Map.of("MEMGOV_IDLE_AFTER", "0")).idleAfter()).isEqualTo(Duration.ZERO);
    assertThat(GovernorPolicy.fromEnvironment(Map.of("MEMGOV_HEAP_CONFIRM_INTERVAL", "0")).heapConfirmInterval())
        .isEqualTo(Duration.ZERO);
    assertMessage(() -> GovernorPolicy.builder().idleAfter(Duration.ofSeconds(-1)),
        "idleAfter must be between PT0S and PT24H, but was PT-1S");
    assertMessage(() -> GovernorPolicy.fromEnvironment(Map.of("MEMGOV_IDLE_AFTER", "soon")),
        "MEMGOV_IDLE_AFTER: must be a duration such as 500ms, 5s, 2m, 1h or PT5S, but was 'soon'");
    assertMessage(() -> GovernorPolicy.fromProperties(props("memgov.idle-after", "25h")),
        "memgov.idle-after: idleAfter must be between PT0S and PT24H, but was PT25H");
  }

  @Test
  void spikeHeadroomIsOnByDefaultAndReadFromPropertiesAndEnvironment() {
    assertThat(GovernorPolicy.defaults().spikeHeadroomEnabled()).isTrue();
    assertThat(GovernorPolicy.fromProperties(props("memgov.spike-headroom", "false")).spikeHeadroomEnabled()).isFalse();
    assertThat(GovernorPolicy.fromEnvironment(Map.of("MEMGOV_SPIKE_HEADROOM", "FALSE")).spikeHeadroomEnabled()).isFalse();
    assertThat(GovernorPolicy.builder().spikeHeadroomEnabled(false).build().toBuilder().build().asMap())
        .containsEntry("spikeHeadroom", false);
    assertMessage(() -> GovernorPolicy.fromEnvironment(Map.of("MEMGOV_SPIKE_HEADROOM", "off")),
        "MEMGOV_SPIKE_HEADROOM: must be true or false, but was 'off'");
  }

  @Test
  void idleCacheShedPercentIsOffByDefaultAndAtMostFifty() {
    assertThat(GovernorPolicy.defaults().idleCacheShedPercent()).isZero();
    assertThat(GovernorPolicy.fromProperties(props("memgov.idle-cache-shed-percent", "30")).idleCacheShedPercent())
        .isEqualTo(30);
    assertMessage(() -> GovernorPolicy.builder().idleCacheShedPercent(60),
        "idleCacheShedPercent must be between 0 and 50, but was 60");
    assertMessage(() -> GovernorPolicy.fromEnvironment(Map.of("MEMGOV_IDLE_CACHE_SHED_PERCENT", "-1")),
        "MEMGOV_IDLE_CACHE_SHED_PERCENT: idleCacheShedPercent must be between 0 and 50, but was -1");
  }

  private static Properties props(String key, String value) {
    Properties p = new Properties();
    p.setProperty(key, value);
    return p;
  }

  private static void assertMessage(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
