package dev.memgov.core.jmx;

import dev.memgov.core.CleanupReport;
import java.beans.ConstructorProperties;

/**
 * A cleanup report as JMX composite data (an MXBean maps this class to {@code CompositeData}).
 * This class is immutable and thread-safe.
 */
public final class CleanupReportView {
  private final long id;
  private final String trigger;
  private final String level;
  private final String pressureLevel;
  private final long targetBytes;
  private final long reclaimedBytes;
  private final long durationMicros;
  private final String[] errors;
  private final OutcomeView[] outcomes;

  @ConstructorProperties({"id", "trigger", "level", "pressureLevel", "targetBytes", "reclaimedBytes",
      "durationMicros", "errors", "outcomes"})
  public CleanupReportView(long id, String trigger, String level, String pressureLevel, long targetBytes,
      long reclaimedBytes, long durationMicros, String[] errors, OutcomeView[] outcomes) {
    this.id = id;
    this.trigger = trigger;
    this.level = level;
    this.pressureLevel = pressureLevel;
    this.targetBytes = targetBytes;
    this.reclaimedBytes = reclaimedBytes;
    this.durationMicros = durationMicros;
    this.errors = errors.clone();
    this.outcomes = outcomes.clone();
  }

  static CleanupReportView of(CleanupReport r) {
    OutcomeView[] o = r.outcomes().stream()
        .map(g -> new OutcomeView(g.name(), g.kind(), g.targetBytes(), g.bytesBefore(), g.bytesAfter(),
            g.budgetBefore(), g.budgetAfter(), g.action(), g.durationNanos() / 1000, g.error() == null ? "" : g.error()))
        .toArray(OutcomeView[]::new);
    return new CleanupReportView(r.id(), r.trigger().name().toLowerCase(java.util.Locale.ROOT), r.level().wireName(),
        r.pressureBefore().level().name(), r.targetBytes(), r.reclaimedBytes(), r.durationNanos() / 1000,
        r.errors().toArray(new String[0]), o);
  }

  public long getId() {
    return id;
  }

  public String getTrigger() {
    return trigger;
  }

  public String getLevel() {
    return level;
  }

  public String getPressureLevel() {
    return pressureLevel;
  }

  public long getTargetBytes() {
    return targetBytes;
  }

  public long getReclaimedBytes() {
    return reclaimedBytes;
  }

  public long getDurationMicros() {
    return durationMicros;
  }

  public String[] getErrors() {
    return errors.clone();
  }

  public OutcomeView[] getOutcomes() {
    return outcomes.clone();
  }

  /** One governable's part in a cleanup. This class is immutable and thread-safe. */
  public static final class OutcomeView {
    private final String name;
    private final String kind;
    private final long targetBytes;
    private final long bytesBefore;
    private final long bytesAfter;
    private final long budgetBefore;
    private final long budgetAfter;
    private final String action;
    private final long durationMicros;
    private final String error;

    @ConstructorProperties({"name", "kind", "targetBytes", "bytesBefore", "bytesAfter", "budgetBefore",
        "budgetAfter", "action", "durationMicros", "error"})
    public OutcomeView(String name, String kind, long targetBytes, long bytesBefore, long bytesAfter,
        long budgetBefore, long budgetAfter, String action, long durationMicros, String error) {
      this.name = name;
      this.kind = kind;
      this.targetBytes = targetBytes;
      this.bytesBefore = bytesBefore;
      this.bytesAfter = bytesAfter;
      this.budgetBefore = budgetBefore;
      this.budgetAfter = budgetAfter;
      this.action = action;
      this.durationMicros = durationMicros;
      this.error = error;
    }

    public String getName() {
      return name;
    }

    public String getKind() {
      return kind;
    }

    public long getTargetBytes() {
      return targetBytes;
    }

    public long getBytesBefore() {
      return bytesBefore;
    }

    public long getBytesAfter() {
      return bytesAfter;
    }

    public long getBudgetBefore() {
      return budgetBefore;
    }

    public long getBudgetAfter() {
      return budgetAfter;
    }

    public String getAction() {
      return action;
    }

    public long getDurationMicros() {
      return durationMicros;
    }

    /** The error text, empty when none. */
    public String getError() {
      return error;
    }
  }
}
