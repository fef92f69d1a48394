package dev.memgov.core;

import java.util.Objects;

/**
 * What the ladder asks of one governable in one cleanup.
 *
 * <p>This record is immutable and thread-safe.
 *
 * @param level how far the governable may go (see {@link CleanupLevel})
 * @param targetBytes bytes the ladder would like this governable to give back; 0 when the
 *     cleanup is not sized (a manual call at a level, or LIGHT); a governable never goes beyond
 *     what its level allows to meet it
 * @param trigger what started the cleanup
 * @param governing the signal whose figure the cleanup answers: the one that governs the pressure
 *     when the cleanup starts, for automatic and manual cleanups alike, or the container or RSS
 *     figure a spike-headroom trim is sized on while another signal governs ({@link Signal#NONE}
 *     when no figure is known). Under {@code RSS} or {@code CONTAINER} pressure, bytes freed on
 *     the heap only leave the process when the JVM returns committed heap, which the JVM
 *     governable does then from {@code standard} up.
 */
public record ReclaimRequest(CleanupLevel level, long targetBytes, Trigger trigger, Signal governing) {
  public ReclaimRequest {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(governing, "governing");
    if (targetBytes < 0) {
      throw new IllegalArgumentException("targetBytes must be >= 0, but was " + targetBytes);
    }
  }

  /** A request with no governing signal ({@link Signal#NONE}). */
  public ReclaimRequest(CleanupLevel level, long targetBytes, Trigger trigger) {
    this(level, targetBytes, trigger, Signal.NONE);
  }

  /** {@code true} when the pressure is on the process's resident memory (RSS or container). */
  public boolean residentPressure() {
    return governing == Signal.RSS || governing == Signal.CONTAINER;
  }
}
