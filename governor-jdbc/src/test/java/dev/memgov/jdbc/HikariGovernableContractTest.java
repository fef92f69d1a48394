package dev.memgov.jdbc;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.memgov.core.Governable;
import dev.memgov.core.GovernableContractTest;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The governable contract, on a real HikariCP pool over H2 in memory. */
class HikariGovernableContractTest extends GovernableContractTest {

  private final List<HikariDataSource> pools = new ArrayList<>();

  @Override
  protected Governable create() {
    HikariDataSource ds = H2Pools.started("contract", 8, 2);
    pools.add(ds);
    return HikariGovernable.adopt(ds);
  }

  /** Opens all 8 connections at once and returns them, leaving 8 idle. */
  @Override
  protected void fill(Governable governable) throws Exception {
    HikariDataSource ds = pools.get(pools.size() - 1);
    List<Connection> held = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      held.add(ds.getConnection());
    }
    for (Connection c : held) {
      c.close();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> ds.getHikariPoolMXBean().getIdleConnections() == 8);
  }

  @AfterEach
  void closePools() {
    pools.forEach(HikariDataSource::close);
    pools.clear();
  }
}
