package dev.memgov.core.internal;

import dev.memgov.core.GovernorHistory;
import dev.memgov.core.LevelChange;
import dev.memgov.core.MemorySnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} snapshots and level changes. Written by the governor thread, read by
 * any thread; a short uncontended lock guards each ring (adding allocates nothing).
 */
final class HistoryRing {
  private final MemorySnapshot[] snapshots;
  private final LevelChange[] changes;
  private int snapshotNext;
  private int snapshotCount;
  private int changeNext;
  private int changeCount;

  HistoryRing(int capacity) {
    this.snapshots = new MemorySnapshot[capacity];
    this.changes = new LevelChange[capacity];
  }

  synchronized void add(MemorySnapshot snapshot) {
    snapshots[snapshotNext] = snapshot;
    snapshotNext = (snapshotNext + 1) % snapshots.length;
    snapshotCount = Math.min(snapshotCount + 1, snapshots.length);
  }

  synchronized void add(LevelChange change) {
    changes[changeNext] = change;
    changeNext = (changeNext + 1) % changes.length;
    changeCount = Math.min(changeCount + 1, changes.length);
  }

  synchronized GovernorHistory since(long sinceMillis) {
    List<MemorySnapshot> s = new ArrayList<>(snapshotCount);
    for (int i = 0; i < snapshotCount; i++) {
      MemorySnapshot m = snapshots[(snapshotNext - snapshotCount + i + snapshots.length) % snapshots.length];
      if (m.timestampMillis() >= sinceMillis) {
        s.add(m);
      }
    }
    List<LevelChange> c = new ArrayList<>(changeCount);
    for (int i = 0; i < changeCount; i++) {
      LevelChange l = changes[(changeNext - changeCount + i + changes.length) % changes.length];
      if (l.timestampMillis() >= sinceMillis) {
        c.add(l);
      }
    }
    return new GovernorHistory(s, c);
  }
}
