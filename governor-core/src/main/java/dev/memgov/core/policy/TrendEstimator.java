package dev.memgov.core.policy;

import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.Trend;
import java.util.function.LongSupplier;

/**
 * Estimates where the live set is heading from the old-generation occupancy after each GC.
 *
 * <p><b>Points.</b> A snapshot adds a point {@code (t, y)} only when its {@code gcCount} differs
 * from the previous snapshot's and its {@code oldGenAfterGc} is known: {@code t} is the snapshot's
 * monotonic time in minutes, {@code y} the after-GC bytes. The last {@code K = max(leakGcCount + 1,
 * 16)} points are kept. Each point also records {@code u = y − governed}, the governables' summed
 * footprint read when the point is added (see {@link #update(MemorySnapshot, Pressure,
 * LongSupplier)}): the <em>ungoverned</em> figure the leak test runs on. A cache filling toward its
 * budget raises the live set GC after GC, but it is bounded and memgov gives it back, so it is not
 * a leak (without this every governed app warned "leak suspected" while its caches warmed up).
 *
 * <p><b>Slope</b> (ordinary least squares over the kept points, at least 3 with distinct times):
 *
 * <pre>
 *   slope = Σ (t_i − t̄)(y_i − ȳ) / Σ (t_i − t̄)²        [bytes per minute]
 * </pre>
 *
 * <p>The reported slope ({@link Trend#bytesPerMinute()}) and the seconds to the limit are those of
 * the whole live set {@code y}: a cache growing uses headroom too.
 *
 * <p><b>Why floors.</b> A young GC's figure holds everything promoted since the last collection
 * that reclaimed old-generation space, dead or alive. Under G1 it therefore climbs between mixed
 * collections by whatever was promoted (request garbage, a held allocation spike), often for more
 * than 8 GCs in a row: in the demo with a 192 MiB heap the old generation rose 89 MiB while the
 * cache grew 64, and a test on consecutive rises warned "leak suspected" while the cache refilled.
 * Only the figure a reclaiming collection leaves behind says what survived, and a leak is what
 * makes that figure climb from one such collection to the next; so the test looks at the floors of
 * the sawtooth, not at its climbs. The margins are fractions of the heap's max ({@code heapMax};
 * when unknown, of the largest kept {@code y}), chosen on after-GC series recorded from the demo
 * (G1 with a 192 MiB heap, Serial in a 512 MiB container):
 *
 * <ul>
 *   <li><b>Reclaim</b>: {@code y} fell by more than 1/32 of the heap since the previous point. The
 *       test is on {@code y}, not {@code u}: {@code u} also falls when a cache grows faster than its
 *       entries are promoted (its footprint counts at once, its bytes reach the old generation
 *       later; −11 MiB at one young GC of the demo), and that frees nothing. A young GC lowers
 *       {@code y} only by G1's eager reclaim of dead humongous arrays; a fall is a mixed or full
 *       collection (or the regions G1's remark found empty). The 1/32 leaves out small reclaims — a
 *       mixed GC that freed little more than it promoted, a Serial or Parallel full GC with little
 *       garbage — that would take a point half-way up a climb for a floor.
 *   <li><b>Floor</b>: the lowest {@code u} from a reclaim until {@code y} has climbed more than 1/16
 *       of the heap above the lowest {@code y} since; it is recorded then. A G1 mixed phase spreads
 *       its reclaim over several GCs, some of which promote more than they free; a live allocation
 *       spike or a cache cut of the governor's (which lifts {@code u} until the evicted entries are
 *       collected) can hold the figure up across the first of them. The tolerance makes one floor
 *       of such a phase: in a 300 s demo run, 1/32 would have taken the first mixed GC of a phase
 *       that ran while the demo's allocation spike was still held for a floor 36 MiB above the next.
 *   <li><b>Floors rose</b>: the last {@value #FLOOR_RISES} floors each stood above the floor before,
 *       and the first of them more than 1/16 of the heap above the lowest of the {@value
 *       #FLOOR_RISES} floors before them. Floors without a leak wander: in the demo's G1 runs (192
 *       MiB heap) between 21 and 32 MiB, by steps of up to 9 MiB, and once 26 MiB above the one
 *       before; G1 ends a mixed phase once less than {@code G1HeapWastePercent} (5 %) of the heap
 *       is left to reclaim, so up to that much garbage can stay behind. Comparing with the lowest
 *       floor before makes one high floor harmless, 1/16 (6.25 %) stands above the 5 %, and three
 *       rises in a row are seldom wandering: 200 000 floors drawn at random from the 22 the demo
 *       recorded passed the test 0 times, while with a leak adding 6 MiB (3 % of the heap) between
 *       two reclaims they passed it after 8 floors on average. The
 *       rising floors are themselves the positive slope the test asks for. The price: a leak that
 *       adds much less than 1/48 of the heap between two reclaims is seen late or not at all.
 * </ul>
 *
 * <p><b>Leak suspected</b> when the floors rose, or — for a leak that leaves the collector nothing
 * to reclaim, so that no floor ever comes — when no point so far was a reclaim, {@code u} rose at
 * {@code leakGcCount} GCs at which it stood above half the heap's max (GCs where it did not rise,
 * or stood lower, count neither way), and the slope of {@code u} over the kept points is positive.
 * Once a collection reclaimed, only the floors tell: promoted garbage climbs past half the heap
 * between reclaims. G1's adaptive IHOP (on by default) starts the concurrent mark later once it
 * has seen marks finish fast, and Serial and Parallel collect the old generation only once it is
 * full (about 2/3 of the heap with the default {@code NewRatio}). In child JVMs churning
 * medium-lived garbage under G1 (heaps of 64 to 512 MiB, no leak), the old generation after young
 * GCs reached 80 % of the heap, and 8 rises above half the heap since the last reclaim came in
 * every run; comparing a climb with the peak of the climb before did not do either, since the
 * first climb after the adaptive IHOP takes over (the first marks start at 45 %) passes the earlier
 * peaks by many GCs (flagged at 2.7 s in 6 runs of 6 with a 64 MiB heap). With the heap's max
 * unknown every rise counts. The price is delay and reach: a leak with nothing to reclaim is
 * flagged only after {@code leakGcCount} rises above half the heap, however long it climbed below;
 * and a leak with nothing to reclaim that starts after the collector once reclaimed is not flagged
 * by this test (any garbage beside it brings floors back). A first climb of garbage past half the
 * heap before any reclaim (Serial and Parallel fill the old generation before their first full GC)
 * can still pass for a leak.
 *
 * <p><b>Seconds to limit</b> for the pressure's governing signal, with {@code headroom = limit −
 * value} (heap: the old generation's max, or the heap's when unknown, − after-GC occupancy; RSS:
 * RSS limit − RSS; container: limit − working set), assuming the live set's growth lands 1:1 on that figure:
 *
 * <pre>
 *   secondsToLimit = max(0, headroom) / slope × 60        when slope &gt; 0, else −1
 * </pre>
 *
 * <p>−1 too when the governing signal is {@code NONE} or its figures are unknown.
 *
 * <p>Allocation-free per point (primitive rings and fields). Not thread-safe: the governor calls it
 * from its own thread only.
 */
public final class TrendEstimator {
  /** How many of the last floors must each rise above the one before for the floor test. */
  public static final int FLOOR_RISES = 3;
  /** A fall of {@code y} by more than the heap over this is a reclaim. */
  private static final int RECLAIM_DIVISOR = 32;
  /**
   * A floor is recorded once {@code y} climbed more than the heap over this above its lowest since
   * the reclaim; the rising floors must stand more than that above the lowest of the ones before.
   */
  private static final int FLOOR_DIVISOR = 16;

  private final int leakGcCount;
  private final int capacity;
  private final double[] minutes;
  private final long[] bytes;
  /** {@code bytes} less the governables' footprint at the same point. */
  private final long[] ungoverned;
  private int head;
  private int size;
  private long lastGcCount = Long.MIN_VALUE;
  /** The heap's max at the last point, or -1 when unknown. */
  private long heapMax = -1;
  /** Whether any point so far was a reclaim: from then on only the floors tell. */
  private boolean reclaimed;
  /** Points before any reclaim at which {@code ungoverned} rose and stood above half the heap's max. */
  private int risesAbove;
  /** Whether a reclaim's floor is still open: {@code y} has not climbed back far enough since. */
  private boolean descending;
  private long descentLowBytes;
  private long descentLowUngoverned;
  /** The last {@code 2 × FLOOR_RISES} floors, oldest first from {@code floorHead}; {@code floorCount} kept. */
  private final long[] floors = new long[2 * FLOOR_RISES];
  private int floorHead;
  private int floorCount;
  /** The slope and the leak flag as of the last point: they change only when a point is added. */
  private double slopeNow = Double.NaN;
  private boolean leakNow;

  public TrendEstimator(GovernorPolicy policy) {
    this.leakGcCount = policy.leakGcCount();
    this.capacity = Math.max(leakGcCount + 1, 16);
    this.minutes = new double[capacity];
    this.bytes = new long[capacity];
    this.ungoverned = new long[capacity];
  }

  /**
   * Feeds one snapshot (a point is added only when a GC has happened since the last one), with no
   * governables' footprint to set apart: the leak test runs on the whole live set.
   */
  public Trend update(MemorySnapshot snapshot, Pressure pressure) {
    return update(snapshot, pressure, () -> 0);
  }

  /**
   * Feeds one snapshot (a point is added only when a GC has happened since the last one).
   * {@code governedBytes} is read only when a point is added: the bytes the governables hold now
   * (negative when unknown, read as 0), set apart from the live set for the leak test.
   */
  public Trend update(MemorySnapshot snapshot, Pressure pressure, LongSupplier governedBytes) {
    long gcCount = snapshot.gcCount();
    long y = snapshot.oldGenAfterGc();
    if (gcCount >= 0 && gcCount != lastGcCount) {
      lastGcCount = gcCount;
      if (y >= 0) {
        long max = snapshot.heapMax();
        heapMax = max > 0 && max != MemorySnapshot.NO_LIMIT ? max : -1;
        add(snapshot.nanoTime() / 60e9, y, y - Math.max(0, governedBytes.getAsLong()));
      }
    }
    if (size == 0) {
      return Trend.UNKNOWN;
    }
    return new Trend(slopeNow, leakNow, secondsToLimit(snapshot, pressure, slopeNow), size);
  }

  private boolean leakSuspected() {
    if (floorsRose()) {
      return true;
    }
    return !reclaimed && risesAbove >= leakGcCount && slope(ungoverned) > 0;
  }

  private void add(double t, long y, long yUngoverned) {
    if (size > 0) {
      int prev = last();
      step(y, yUngoverned, bytes[prev], ungoverned[prev]);
    }
    if (size == capacity) {
      head = (head + 1) % capacity;
      size--;
    }
    int at = (head + size) % capacity;
    minutes[at] = t;
    bytes[at] = y;
    ungoverned[at] = yUngoverned;
    size++;
    slopeNow = slope(bytes);
    leakNow = leakSuspected();
  }

  /** Moves the floor and streak state on by one point {@code (y, u)} after {@code (prevY, prevU)}. */
  private void step(long y, long u, long prevY, long prevU) {
    long scale = scale();
    if (descending && y - descentLowBytes <= scale / FLOOR_DIVISOR) {
      descentLowBytes = Math.min(descentLowBytes, y);
      descentLowUngoverned = Math.min(descentLowUngoverned, u);
    } else {
      if (descending) {
        descending = false;
        recordFloor(descentLowUngoverned);
      }
      if (prevY - y > scale / RECLAIM_DIVISOR) {
        descending = true;
        descentLowBytes = y;
        descentLowUngoverned = u;
        reclaimed = true;
      } else if (!reclaimed && u > prevU && (heapMax < 0 || u > heapMax / 2)) {
        risesAbove++;
      }
    }
  }

  private void recordFloor(long floor) {
    if (floorCount == floors.length) {
      floors[floorHead] = floor;
      floorHead = (floorHead + 1) % floors.length;
    } else {
      floors[(floorHead + floorCount++) % floors.length] = floor;
    }
  }

  /**
   * Whether the last {@code FLOOR_RISES} floors each rose above the one before, the first of them
   * more than the heap over {@code FLOOR_DIVISOR} above the lowest of the {@code FLOOR_RISES}
   * floors before them.
   */
  private boolean floorsRose() {
    if (floorCount < floors.length) {
      return false;
    }
    long lowestBefore = Long.MAX_VALUE;
    for (int i = 0; i < FLOOR_RISES; i++) {
      lowestBefore = Math.min(lowestBefore, floor(i));
    }
    for (int i = FLOOR_RISES; i < floors.length; i++) {
      if (floor(i) <= floor(i - 1)) {
        return false;
      }
    }
    return floor(FLOOR_RISES) - lowestBefore > scale() / FLOOR_DIVISOR;
  }

  /** The {@code i}-th kept floor, oldest first. */
  private long floor(int i) {
    return floors[(floorHead + i) % floors.length];
  }

  /** The heap's max, or when unknown the largest kept after-GC figure. */
  private long scale() {
    if (heapMax > 0) {
      return heapMax;
    }
    long max = 0;
    for (int i = 0; i < size; i++) {
      max = Math.max(max, bytes[(head + i) % capacity]);
    }
    return max;
  }

  private int last() {
    return (head + size - 1) % capacity;
  }

  private double slope(long[] ys) {
    if (size < 3) {
      return Double.NaN;
    }
    double t0 = minutes[head];
    double meanT = 0;
    double meanY = 0;
    for (int i = 0; i < size; i++) {
      int k = (head + i) % capacity;
      meanT += minutes[k] - t0;
      meanY += ys[k];
    }
    meanT /= size;
    meanY /= size;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < size; i++) {
      int k = (head + i) % capacity;
      double dt = minutes[k] - t0 - meanT;
      sxy += dt * (ys[k] - meanY);
      sxx += dt * dt;
    }
    return sxx > 0 ? sxy / sxx : Double.NaN;
  }

  private static long secondsToLimit(MemorySnapshot s, Pressure pressure, double slope) {
    if (!(slope > 0) || pressure == null) {
      return -1;
    }
    long limit;
    long value;
    switch (pressure.governing()) {
      case HEAP:
        limit = s.heapLimit();
        value = s.oldGenAfterGc();
        break;
      case RSS:
        limit = s.rssLimit();
        value = s.rss();
        break;
      case CONTAINER:
        limit = s.containerLimit();
        value = s.containerWorkingSet();
        break;
      default:
        return -1;
    }
    if (limit <= 0 || limit == MemorySnapshot.NO_LIMIT || value < 0) {
      return -1;
    }
    double seconds = Math.max(0, limit - value) / slope * 60.0;
    return seconds >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) seconds;
  }
}
