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
 */
public record ReclaimRequest(CleanupLevel level, long targetBytes, Trigger trigger) {
  public ReclaimRequest {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(trigger, "trigger");
    if (targetBytes < 0) {
      throw new IllegalArgumentException("targetBytes must be >= 0, but was " + targetBytes);
    }
  }
}
