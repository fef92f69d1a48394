package dev.memgov.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.Trigger;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HikariGovernableTest {

  private final List<HikariDataSource> pools = new ArrayList<>();

  private HikariDataSource pool(String name, int max, int minIdle) {
    HikariDataSource ds = H2Pools.started(name, max, minIdle);
    pools.add(ds);
    return ds;
  }

  @AfterEach
  void closePools() {
    pools.forEach(HikariDataSource::close);
  }

  @Test
  void adoptRemembersTheConfiguredSizesAndNamesItselfAfterThePool() {
    HikariGovernable g = HikariGovernable.adopt(pool("orders", 6, 2));
    assertThat(g.name()).isEqualTo("hikari:orders");
    assertThat(g.kind()).isEqualTo("pool");
    assertThat(g.budgetUnit()).isEqualTo("connections");
    assertThat(g.configuredBudget()).isEqualTo(6);
    assertThat(g.configuredMinIdle()).isEqualTo(2);
    assertThat(g.floor()).isEqualTo(1);
    assertThat(g.perConnectionBytes()).isEqualTo(HikariGovernable.DEFAULT_PER_CONNECTION_BYTES);
  }

  @Test
  void builderSetsFloorBytesAndName() {
    HikariGovernable g = HikariGovernable.builder(pool("b", 6, 6)).floor(2).perConnectionBytes(1000).name("db:main").build();
    assertThat(g.name()).isEqualTo("db:main");
    assertThat(g.floor()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> g.totalConnections() == 6);
    assertThat(g.footprintBytes()).isEqualTo(6_000);
    g.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
    assertThat(g.currentBudget()).isEqualTo(2);
    assertThat(g.totalConnections()).isEqualTo(2);
    assertThat(g.footprintBytes()).isEqualTo(2_000);
  }

  @Test
  void rejectsBadInputNamingTheRuleAndTheValue() {
    HikariDataSource ds = pool("bad", 4, 4);
    assertThatThrownBy(() -> HikariGovernable.adopt(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataSource must be an open HikariDataSource, but was null");
    assertThatThrownBy(() -> HikariGovernable.builder(ds).floor(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("floor must be at least 1, but was 0");
    assertThatThrownBy(() -> HikariGovernable.builder(ds).floor(5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("floor must be at most the pool's maximumPoolSize (4), but was 5");
    assertThatThrownBy(() -> HikariGovernable.builder(ds).perConnectionBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("perConnectionBytes must be at least 0, but was -1");
    assertThatThrownBy(() -> HikariGovernable.builder(ds).perConnectionBytes(1L << 62))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("perConnectionBytes must be between 0 and 1073741824 (1 GiB), but was 4611686018427387904");
    assertThatThrownBy(() -> HikariGovernable.builder(ds).name("has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must be 1-64 characters of A-Z a-z 0-9 . _ - :, but was 'has space'");
    assertThatThrownBy(() -> HikariGovernable.builder(ds).threads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads must be at least 1, but was 0");
    // nothing was changed by the rejected calls
    assertThat(ds.getMaximumPoolSize()).isEqualTo(4);
    ds.close();
    assertThatThrownBy(() -> HikariGovernable.adopt(ds))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataSource must be an open HikariDataSource, but pool 'bad' was closed");
  }

  @Test
  void aClosedDataSourceIsReportedAndNeverTouched() {
    HikariDataSource ds = pool("closing", 4, 4);
    HikariGovernable g = HikariGovernable.adopt(ds);
    ds.close();
    assertThat(g.state()).isEqualTo("closed");
    assertThat(g.footprintBytes()).isZero();
    ReclaimResult r = g.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
    assertThat(r.changed()).isFalse();
    assertThat(r.action()).isEqualTo("data source is closed");
    assertThat(g.restore(new RestoreRequest(50)).atConfigured()).isTrue();
  }

  @Test
  void aDataSourceClosedAfterACutHasNothingLeftToRestore() {
    // Given a pool cut to its floor
    HikariDataSource ds = pool("cut-then-closed", 4, 4);
    HikariGovernable g = HikariGovernable.adopt(ds);
    g.reclaim(new ReclaimRequest(CleanupLevel.EMERGENCY, 0, Trigger.API));
    assertThat(g.restorePending()).isTrue();

    // When the application closes the data source
    ds.close();

    // Then the governor has nothing to restore (it would otherwise ask at every calm window)
    assertThat(g.restorePending()).isFalse();
    assertThat(g.state()).isEqualTo("closed");
    assertThat(g.footprintBytes()).isZero();
  }

  @Test
  void stateShowsActiveIdleWaitingAndTheSizes() throws Exception {
    HikariDataSource ds = pool("state", 4, 4);
    HikariGovernable g = HikariGovernable.adopt(ds);
    await().atMost(Duration.ofSeconds(5)).until(() -> g.totalConnections() == 4);
    try (Connection c = ds.getConnection()) {
      assertThat(g.state()).startsWith("active=1 idle=3 waiting=0 total=4 maximumPoolSize=4/4 minimumIdle=4/4 floor=1");
    }
  }

  @Test
  void sizingHintWhenTheMaximumIsFarAboveThePeakActiveCount() throws Exception {
    HikariDataSource ds = pool("oversized", 10, 2);
    HikariGovernable g = HikariGovernable.adopt(ds);
    assertThat(g.state()).doesNotContain("sizing hint");
    for (int i = 0; i < HikariGovernable.HINT_MIN_SAMPLES; i++) {
      try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
        g.footprintBytes(); // the governor reads the footprint on every tick: that samples
      }
    }
    assertThat(g.peakActive()).isEqualTo(2);
    assertThat(g.state()).contains("sizing hint: maximumPoolSize 10 is far above the peak of 2 active connection(s)")
        .contains("consider maximumPoolSize 3");
  }

  @Test
  void noSizingHintWhenThePeakUsesThePool() throws Exception {
    HikariDataSource ds = pool("busy", 4, 4);
    HikariGovernable g = HikariGovernable.adopt(ds);
    List<Connection> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(ds.getConnection());
    }
    for (int i = 0; i < HikariGovernable.HINT_MIN_SAMPLES; i++) {
      g.footprintBytes();
    }
    for (Connection c : held) {
      c.close();
    }
    assertThat(g.state()).doesNotContain("sizing hint");
  }

  @Test
  void sizingHintFromTheThreadsThatUseThePool() {
    HikariGovernable g = HikariGovernable.builder(pool("threads", 10, 10)).threads(4).build();
    assertThat(g.state()).contains("sizing hint: maximumPoolSize 10 is above the 4 threads that use this pool");
  }
}
