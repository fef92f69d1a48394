package dev.memgov.core.jmx;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupRefusedException;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.ClearResult;
import dev.memgov.core.GovernorEvent;
import dev.memgov.core.GovernorStatus;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.Trigger;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;

/**
 * The governor's MXBean: reads {@link MemoryGovernor#status()} on each attribute read and sends a
 * notification per level change. Errors cross JMX as JDK exceptions ({@code
 * IllegalArgumentException}, {@code IllegalStateException}) so clients need no memgov classes.
 * Thread-safe.
 */
final class GovernorMBean extends NotificationBroadcasterSupport implements MemoryGovernorMXBean {
  static final CompositeType LEVEL_CHANGE_TYPE = levelChangeType();

  private final MemoryGovernor governor;
  private final ObjectName objectName;
  private final AtomicLong sequence = new AtomicLong();

  GovernorMBean(MemoryGovernor governor, ObjectName objectName) {
    super(new MBeanNotificationInfo(new String[] {GovernorJmx.LEVEL_CHANGED}, Notification.class.getName(),
        "The pressure level changed; userData holds from, to, governingSignal and governingPercent"));
    this.governor = governor;
    this.objectName = objectName;
  }

  void levelChanged(GovernorEvent.LevelChanged e) {
    Pressure p = e.pressure();
    Notification n = new Notification(GovernorJmx.LEVEL_CHANGED, objectName, sequence.incrementAndGet(),
        e.timestampMillis(), "memgov '" + governor.name() + "': pressure " + e.from() + " -> " + e.to() + " ("
            + p.governing().wireName() + " " + String.format(Locale.ROOT, "%.1f", p.governingRatio() * 100) + " %)");
    try {
      n.setUserData(new CompositeDataSupport(LEVEL_CHANGE_TYPE,
          new String[] {"from", "to", "governingSignal", "governingPercent"},
          new Object[] {e.from().name(), e.to().name(), p.governing().wireName(), p.governingRatio() * 100}));
    } catch (OpenDataException ex) {
      throw new IllegalStateException(ex);
    }
    sendNotification(n);
  }

  private static CompositeType levelChangeType() {
    try {
      return new CompositeType("dev.memgov.LevelChange", "a pressure level change",
          new String[] {"from", "to", "governingSignal", "governingPercent"},
          new String[] {"level before", "level after", "the governing signal", "its figure, percent of its limit"},
          new OpenType<?>[] {SimpleType.STRING, SimpleType.STRING, SimpleType.STRING, SimpleType.DOUBLE});
    } catch (OpenDataException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private GovernorStatus status() {
    return governor.status();
  }

  private double percent(ToDoubleFunction<Pressure> f) {
    return f.applyAsDouble(status().pressure()) * 100;
  }

  private long snapshot(ToLongFunction<MemorySnapshot> f) {
    MemorySnapshot s = status().snapshot();
    return s == null ? MemorySnapshot.UNKNOWN : f.applyAsLong(s);
  }

  @Override
  public String getLevel() {
    return status().level().name();
  }

  @Override
  public String getGoverningSignal() {
    return status().pressure().governing().wireName();
  }

  @Override
  public double getGoverningPercent() {
    return percent(Pressure::governingRatio);
  }

  @Override
  public double getHeapAfterGcPercent() {
    return percent(Pressure::heapRatio);
  }

  @Override
  public double getRssPercent() {
    return percent(Pressure::rssRatio);
  }

  @Override
  public double getContainerPercent() {
    return percent(Pressure::containerRatio);
  }

  @Override
  public long getHeapUsedBytes() {
    return snapshot(MemorySnapshot::heapUsed);
  }

  @Override
  public long getHeapMaxBytes() {
    return snapshot(MemorySnapshot::heapMax);
  }

  @Override
  public long getOldGenMaxBytes() {
    return snapshot(MemorySnapshot::oldGenMax);
  }

  @Override
  public long getOldGenAfterGcBytes() {
    return snapshot(MemorySnapshot::oldGenAfterGc);
  }

  @Override
  public long getRssBytes() {
    return snapshot(MemorySnapshot::rss);
  }

  @Override
  public long getContainerLimitBytes() {
    return snapshot(MemorySnapshot::containerLimit);
  }

  @Override
  public long getContainerWorkingSetBytes() {
    return snapshot(MemorySnapshot::containerWorkingSet);
  }

  @Override
  public double getGcOverheadPercent() {
    MemorySnapshot s = status().snapshot();
    return s == null ? Double.NaN : s.gcOverheadPercent();
  }

  @Override
  public double getTrendBytesPerMinute() {
    return status().trend().bytesPerMinute();
  }

  @Override
  public long getTrendSecondsToLimit() {
    return status().trend().secondsToLimit();
  }

  @Override
  public boolean isLeakSuspected() {
    return status().trend().leakSuspected();
  }

  @Override
  public boolean isRunning() {
    return governor.isRunning();
  }

  @Override
  public long getTicks() {
    return status().ticks();
  }

  @Override
  public int getGovernableCount() {
    return governor.governables().size();
  }

  @Override
  public String getLastCleanup() {
    List<CleanupReport> recent = status().recentCleanups();
    return recent.isEmpty() ? "" : ReportText.format(recent.get(recent.size() - 1));
  }

  @Override
  public String optimize(String level, boolean force) {
    return ReportText.format(run(level, force));
  }

  @Override
  public CleanupReportView optimizeReport(String level, boolean force) {
    return CleanupReportView.of(run(level, force));
  }

  private CleanupReport run(String level, boolean force) {
    CleanupLevel l = CleanupLevel.parse(level);
    try {
      return governor.optimize(l, force, Trigger.JMX);
    } catch (CleanupRefusedException e) {
      throw new IllegalStateException(e.getMessage());
    }
  }

  @Override
  public String clearCache(String target) {
    StringBuilder sb = new StringBuilder();
    for (ClearResult r : governor.clearCache(target)) {
      sb.append(r.cache()).append(' ').append(r.tier().wireName()).append(": l1 entries ").append(r.l1Entries())
          .append(", l1 bytes ").append(r.l1Bytes()).append(", l2 keys ").append(r.l2Keys());
      if (r.error() != null) {
        sb.append(", error ").append(r.error());
      }
      sb.append('\n');
    }
    return sb.length() == 0 ? "no cache matched" : sb.toString().trim();
  }
}
