package dev.memgov.core.internal;

import dev.memgov.core.Governable;
import dev.memgov.core.GovernorClock;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.sensor.MemorySensor;
import java.util.List;
import javax.management.MBeanServer;

/** Placeholder until the governor loop lands ([core-act]). */
public final class DefaultMemoryGovernor {
  public DefaultMemoryGovernor(
      String name, GovernorPolicy policy, GovernorClock clock, MemorySensor sensor,
      List<Governable> governables, boolean jmxEnabled, MBeanServer mbeanServer, boolean jvmGovernable) {
    throw new UnsupportedOperationException("the governor loop is not built yet");
  }
}
