package dev.memgov.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.GovernorEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBusTest {
  @Test
  void wantsOnlyTypesSomeoneListensTo() throws Exception {
    EventBus bus = new EventBus("t");
    assertThat(bus.wants(GovernorEvent.LevelChanged.class)).isFalse();
    AutoCloseable s = bus.subscribe(GovernorEvent.CleanupCompleted.class, e -> {});
    assertThat(bus.wants(GovernorEvent.LevelChanged.class)).isFalse();
    assertThat(bus.wants(GovernorEvent.CleanupCompleted.class)).isTrue();
    AutoCloseable all = bus.subscribe(GovernorEvent.class, e -> {});
    assertThat(bus.wants(GovernorEvent.LevelChanged.class)).isTrue();
    all.close();
    s.close();
    assertThat(bus.wants(GovernorEvent.CleanupCompleted.class)).isFalse();
  }

  @Test
  void deliversByTypeAndIsolatesAThrowingListener() {
    EventBus bus = new EventBus("t");
    List<GovernorEvent> got = new ArrayList<>();
    bus.subscribe(GovernorEvent.GovernableAdded.class, e -> {
      throw new IllegalStateException("boom");
    });
    bus.subscribe(GovernorEvent.GovernableAdded.class, got::add);
    bus.subscribe(GovernorEvent.GovernableRemoved.class, got::add);
    GovernorEvent added = new GovernorEvent.GovernableAdded(1, "a", "cache");
    bus.publish(added);
    assertThat(got).containsExactly(added);
  }
}
