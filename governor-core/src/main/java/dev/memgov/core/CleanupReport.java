package dev.memgov.core;

import java.util.List;
import java.util.Objects;

/**
 * One cleanup run: what started it, how far it was allowed to go, how much it aimed at, and per
 * governable what it did. This record is immutable and thread-safe.
 *
 * @param id a sequence number, unique within one governor
 * @param trigger what started it
 * @param level the cleanup level run
 * @param pressureBefore the pressure when it started
 * @param targetBytes bytes the ladder aimed to reclaim (0 when not sized)
 * @param startedAtMillis wall-clock start, epoch milliseconds
 * @param durationNanos how long it took
 * @param outcomes per governable, in the order they were asked
 * @param errors errors that were not tied to one governable
 */
public record CleanupReport(
    long id,
    Trigger trigger,
    CleanupLevel level,
    Pressure pressureBefore,
    long targetBytes,
    long startedAtMillis,
    long durationNanos,
    List<GovernableOutcome> outcomes,
    List<String> errors) {

  public CleanupReport {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(pressureBefore, "pressureBefore");
    outcomes = List.copyOf(outcomes);
    errors = List.copyOf(errors);
  }

  /**
   * Bytes freed across the governables whose footprint was known before and after (before minus
   * after, counting only decreases). A governable that could not tell its footprint (-1) adds
   * nothing; {@link #reclaimedKnown()} says whether every one could.
   */
  public long reclaimedBytes() {
    long sum = 0;
    for (GovernableOutcome o : outcomes) {
      if (o.bytesBefore() >= 0 && o.bytesAfter() >= 0) {
        sum += Math.max(0, o.bytesBefore() - o.bytesAfter());
      }
    }
    return sum;
  }

  /** Whether every governable's footprint was known before and after, so {@link #reclaimedBytes()} is the whole. */
  public boolean reclaimedKnown() {
    for (GovernableOutcome o : outcomes) {
      if (o.bytesBefore() < 0 || o.bytesAfter() < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * What one governable did in a cleanup.
   *
   * @param name the governable's name
   * @param kind its kind
   * @param targetBytes its share of the target
   * @param bytesBefore footprint before
   * @param bytesAfter footprint after
   * @param budgetBefore current budget before
   * @param budgetAfter current budget after
   * @param action what it did, in words
   * @param durationNanos how long it took
   * @param error the exception's text if it threw, else null
   */
  public record GovernableOutcome(
      String name,
      String kind,
      long targetBytes,
      long bytesBefore,
      long bytesAfter,
      long budgetBefore,
      long budgetAfter,
      String action,
      long durationNanos,
      String error) {}
}
