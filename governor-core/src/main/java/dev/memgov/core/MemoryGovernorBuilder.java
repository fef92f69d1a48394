package dev.memgov.core;

import dev.memgov.core.internal.DefaultMemoryGovernor;
import dev.memgov.core.sensor.MemorySensor;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.management.MBeanServer;

/**
 * Builds a {@link MemoryGovernor}. Each setter checks its value; {@link #build()} copies
 * everything, so the governor never sees later changes to the builder. Not thread-safe.
 */
public final class MemoryGovernorBuilder {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private String name = "default";
  private GovernorPolicy policy = GovernorPolicy.defaults();
  private GovernorClock clock = GovernorClock.system();
  private MemorySensor sensor;
  private final List<Governable> governables = new ArrayList<>();
  private boolean jmxEnabled = true;
  private MBeanServer mbeanServer;
  private boolean jvmGovernable = true;

  MemoryGovernorBuilder() {}

  /** The governor's name: 1-64 of {@code A-Z a-z 0-9 . _ -}; default {@code "default"}. */
  public MemoryGovernorBuilder name(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be 1-64 characters of A-Z a-z 0-9 . _ -, but was " + (name == null ? "null" : "'" + name + "'"));
    }
    this.name = name;
    return this;
  }

  /**
   * The policy; default {@link GovernorPolicy#defaults()}. The environment and system properties
   * are not read unless passed: {@code GovernorPolicy.fromEnvironment(System.getenv())} for
   * {@code MEMGOV_*} variables, {@code GovernorPolicy.fromProperties(System.getProperties())} for
   * {@code -Dmemgov.*}.
   */
  public MemoryGovernorBuilder policy(GovernorPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** The clock; default the system clock. Tests inject a fake one. */
  public MemoryGovernorBuilder clock(GovernorClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** The sensor; default {@link MemorySensor#system}. Tests inject scripted snapshots. */
  public MemoryGovernorBuilder sensor(MemorySensor sensor) {
    this.sensor = Objects.requireNonNull(sensor, "sensor");
    return this;
  }

  /** Registers a governable from the start. */
  public MemoryGovernorBuilder governable(Governable governable) {
    this.governables.add(Objects.requireNonNull(governable, "governable"));
    return this;
  }

  /** Whether {@code start()} registers MBeans under {@code dev.memgov}; default true. */
  public MemoryGovernorBuilder jmxEnabled(boolean enabled) {
    this.jmxEnabled = enabled;
    return this;
  }

  /** The MBean server; default the platform MBean server. */
  public MemoryGovernorBuilder mbeanServer(MBeanServer server) {
    this.mbeanServer = Objects.requireNonNull(server, "mbeanServer");
    return this;
  }

  /**
   * Whether the JVM itself is registered as a governable (GC, native-heap trim, idle uncommit, as
   * the policy allows); default true.
   */
  public MemoryGovernorBuilder jvmGovernable(boolean enabled) {
    this.jvmGovernable = enabled;
    return this;
  }

  /**
   * Builds the governor; it does nothing until {@link MemoryGovernor#start()}.
   *
   * @throws IllegalArgumentException when two governables share a name
   */
  public MemoryGovernor build() {
    List<String> names = new ArrayList<>();
    for (Governable g : governables) {
      if (names.contains(g.name())) {
        throw new IllegalArgumentException("governable names must be unique, but '" + g.name() + "' was given twice");
      }
      names.add(g.name());
    }
    MemorySensor s = sensor != null ? sensor : MemorySensor.system(policy, clock);
    MBeanServer server = mbeanServer != null ? mbeanServer : (jmxEnabled ? ManagementFactory.getPlatformMBeanServer() : null);
    return new DefaultMemoryGovernor(
        name, policy, clock, s, List.copyOf(governables), jmxEnabled, server, jvmGovernable);
  }
}
