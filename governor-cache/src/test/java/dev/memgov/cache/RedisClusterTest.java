package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memgov.core.CacheTier;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code redis-cluster://} URI against a real (single-node) Redis Cluster: reads and writes
 * route through Lettuce's cluster client, and clearing SCANs the cluster's nodes.
 */
class RedisClusterTest {

  private static TestRedis node;
  private static RedisCommands<String, String> sync;

  @BeforeAll
  static void startCluster() throws Exception {
    node = TestRedis.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf");
    sync = node.strings();
    sync.clusterAddSlots(IntStream.range(0, 16384).toArray());
    await().atMost(Duration.ofSeconds(20)).until(() -> sync.clusterInfo().contains("cluster_state:ok"));
  }

  @AfterAll
  static void stop() throws Exception {
    new Cleanup().close(node).done();
  }

  @Test
  void aClusterUriWorksForReadsWritesAndClear() {
    try (var c = GovernedCache.<Integer, String>builder("clustered", ValueCodec.utf8())
        .redis("redis-cluster://127.0.0.1:" + node.port()).l2Timeout(Duration.ofSeconds(2)).build()) {
      for (int i = 0; i < 50; i++) {
        c.put(i, JsonLike.of(1500, i));
      }
      assertThat(sync.exists("memgov:clustered:7")).isEqualTo(1);
      c.clear(CacheTier.L1);
      assertThat(c.get(7)).isEqualTo(JsonLike.of(1500, 7));
      assertThat(c.stats().l2Hits()).isEqualTo(1);
      assertThat(c.clear(CacheTier.L2).l2Keys()).isEqualTo(50);
      assertThat(sync.dbsize()).isZero();
      assertThat(c.state()).contains("l2 up");
    }
  }

  @Test
  void onAClusterAnInvalidationLeavesATombstoneAndALoadReplacesIt() {
    try (var c = GovernedCache.<Integer, String>builder("clustered-inv", ValueCodec.utf8())
        .redis("redis-cluster://127.0.0.1:" + node.port()).l2Timeout(Duration.ofSeconds(2))
        .loader(k -> "loaded-" + k).build()) {
      c.put(3, "put");
      c.invalidate(3);
      assertThat(sync.strlen("memgov:clustered-inv:3")).as("a tombstone").isEqualTo(StoredForm.TOMBSTONE_LENGTH);
      assertThat(c.get(3)).isEqualTo("loaded-3");
      c.clear(CacheTier.L1);
      assertThat(c.get(3)).isEqualTo("loaded-3");
      assertThat(c.stats().l2Hits()).as("the load's conditional write (a script) reached the cluster").isEqualTo(1);
      assertThat(c.stats().l2Errors()).isZero();
    }
  }
}
