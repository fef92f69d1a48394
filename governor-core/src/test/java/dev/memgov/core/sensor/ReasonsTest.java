package dev.memgov.core.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared reasons map is replaced only when a reason changes. */
class ReasonsTest {
  @Test
  void theViewChangesOnlyWithTheReasons() {
    Reasons r = new Reasons();
    r.set("rss", "no /proc");
    Map<String, String> first = r.view();
    assertThat(first).containsExactly(Map.entry("rss", "no /proc"));
    r.set("rss", new String("no /proc"));
    r.set("psi", null);
    assertThat(r.view()).isSameAs(first);
    r.set("psi", "no PSI");
    Map<String, String> second = r.view();
    assertThat(second).isNotSameAs(first).containsOnlyKeys("psi", "rss");
    r.set("rss", null);
    assertThat(r.view()).containsOnlyKeys("psi");
    assertThat(first).containsOnlyKeys("rss");
  }
}
