package dev.memgov.core;

import java.util.List;

/**
 * Recent snapshots and level changes, oldest first, for plots. This record is immutable and
 * thread-safe.
 *
 * @param snapshots recent snapshots
 * @param levelChanges recent level changes
 */
public record GovernorHistory(List<MemorySnapshot> snapshots, List<LevelChange> levelChanges) {
  public GovernorHistory {
    snapshots = List.copyOf(snapshots);
    levelChanges = List.copyOf(levelChanges);
  }
}
