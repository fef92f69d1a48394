package dev.memgov.core;

/**
 * What the governor tells listeners. Events carry names and figures, never the governed objects.
 * Subscribe by type with {@link MemoryGovernor#subscribe(Class, java.util.function.Consumer)}; an
 * event is built only when someone listens to its type. All implementations are immutable and
 * thread-safe.
 */
public sealed interface GovernorEvent
    permits GovernorEvent.LevelChanged,
        GovernorEvent.CleanupCompleted,
        GovernorEvent.LeakSuspected,
        GovernorEvent.GovernableAdded,
        GovernorEvent.GovernableRemoved {

  /** Wall-clock time of the event, epoch milliseconds. */
  long timestampMillis();

  /** The pressure level changed; at {@code EMERGENCY} the app should shed load. */
  record LevelChanged(long timestampMillis, PressureLevel from, PressureLevel to, Pressure pressure)
      implements GovernorEvent {}

  /** A cleanup ran. */
  record CleanupCompleted(long timestampMillis, CleanupReport report) implements GovernorEvent {}

  /** The live set kept rising across the configured number of GCs. */
  record LeakSuspected(long timestampMillis, Trend trend) implements GovernorEvent {}

  /** A governable was registered. */
  record GovernableAdded(long timestampMillis, String name, String kind) implements GovernorEvent {}

  /** A governable was removed. */
  record GovernableRemoved(long timestampMillis, String name, String kind) implements GovernorEvent {}
}
