package dev.memgov.core.jmx;

import dev.memgov.core.Governable;
import dev.memgov.core.GovernorEvent;
import dev.memgov.core.MemoryGovernor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exposes a governor over JMX: {@code dev.memgov:type=MemoryGovernor,name=<name>} plus one {@code
 * dev.memgov:type=Governable,governor=<name>,name=<governable>} per governable, kept in step with
 * registrations. The governor calls {@link #register} from {@code start()} when JMX is enabled and
 * closes the handle in {@code close()}. A name already taken by someone else is logged and skipped;
 * no failure here stops the governor. This class is thread-safe.
 */
public final class GovernorJmx implements AutoCloseable {
  /** The notification type sent on every level change. */
  public static final String LEVEL_CHANGED = "dev.memgov.level.changed";
  /** The JMX domain. */
  public static final String DOMAIN = "dev.memgov";

  private static final Logger LOG = LoggerFactory.getLogger(GovernorJmx.class);

  private final MemoryGovernor governor;
  private final MBeanServer server;
  private final List<ObjectName> mine = new ArrayList<>();
  private final ConcurrentHashMap<String, ObjectName> governables = new ConcurrentHashMap<>();
  private final List<AutoCloseable> subscriptions = new ArrayList<>();
  private boolean closed;

  private GovernorJmx(MemoryGovernor governor, MBeanServer server) {
    this.governor = governor;
    this.server = server;
  }

  /** The governor's object name. */
  public static ObjectName governorName(String governor) {
    return name("type=MemoryGovernor,name=" + value(governor));
  }

  /** A governable's object name. */
  public static ObjectName governableName(String governor, String governable) {
    return name("type=Governable,governor=" + value(governor) + ",name=" + value(governable));
  }

  /** Registers the governor's MBeans; never throws for JMX trouble (it is logged). */
  public static GovernorJmx register(MemoryGovernor governor, MBeanServer server) {
    Objects.requireNonNull(governor, "governor");
    Objects.requireNonNull(server, "server");
    GovernorJmx jmx = new GovernorJmx(governor, server);
    jmx.registerAll();
    return jmx;
  }

  private synchronized void registerAll() {
    ObjectName on = governorName(governor.name());
    GovernorMBean bean = new GovernorMBean(governor, on);
    if (registerOne(bean, on)) {
      subscriptions.add(governor.subscribe(GovernorEvent.LevelChanged.class, bean::levelChanged));
    }
    subscriptions.add(governor.subscribe(GovernorEvent.GovernableAdded.class, e -> addGovernable(e.name())));
    subscriptions.add(governor.subscribe(GovernorEvent.GovernableRemoved.class, e -> removeGovernable(e.name())));
    for (Governable g : governor.governables()) {
      addGovernable(g.name());
    }
  }

  private synchronized void addGovernable(String name) {
    if (closed || governables.containsKey(name)) {
      return;
    }
    for (Governable g : governor.governables()) {
      if (g.name().equals(name)) {
        ObjectName on = governableName(governor.name(), name);
        if (registerOne(new GovernableMBean(g), on)) {
          governables.put(name, on);
        }
      }
    }
  }

  private synchronized void removeGovernable(String name) {
    ObjectName on = governables.remove(name);
    if (on != null) {
      unregisterOne(on);
    }
  }

  private boolean registerOne(Object bean, ObjectName on) {
    try {
      server.registerMBean(bean, on);
      mine.add(on);
      return true;
    } catch (InstanceAlreadyExistsException e) {
      LOG.warn("memgov '{}': the MBean {} is already registered (another governor with this name?); "
          + "this one is not exposed there. Give each governor its own name.", governor.name(), on);
    } catch (Exception | LinkageError e) {
      LOG.warn("memgov '{}': registering the MBean {} failed; the governor runs without it", governor.name(), on, e);
    }
    return false;
  }

  private void unregisterOne(ObjectName on) {
    mine.remove(on);
    try {
      server.unregisterMBean(on);
    } catch (InstanceNotFoundException e) {
      // already gone
    } catch (Exception e) {
      LOG.warn("memgov '{}': unregistering the MBean {} failed", governor.name(), on, e);
    }
  }

  /** Unregisters every MBean this handle registered. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable s : subscriptions) {
      try {
        s.close();
      } catch (Exception e) {
        // unsubscribing cannot fail
      }
    }
    for (ObjectName on : new ArrayList<>(mine)) {
      unregisterOne(on);
    }
    governables.clear();
  }

  private static String value(String v) {
    for (int i = 0; i < v.length(); i++) {
      if (",=:\"*?\n ".indexOf(v.charAt(i)) >= 0) {
        return ObjectName.quote(v);
      }
    }
    return v;
  }

  private static ObjectName name(String keys) {
    try {
      return new ObjectName(DOMAIN + ":" + keys);
    } catch (MalformedObjectNameException e) {
      throw new IllegalArgumentException("memgov: not a valid JMX name: " + DOMAIN + ":" + keys, e);
    }
  }
}
