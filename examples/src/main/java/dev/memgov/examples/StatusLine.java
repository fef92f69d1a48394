package dev.memgov.examples;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The live status line: on a terminal it is redrawn in place (carriage return and erase-line),
 * and event lines are printed above it; otherwise each status is a plain line with a time stamp.
 * {@link #render} is a pure function of the figures. Printing is synchronized, so the status and
 * event lines from different threads never interleave. This class is thread-safe.
 */
final class StatusLine {

  /**
   * The figures one status line shows; byte figures are -1 when unknown.
   *
   * @param level pressure level, or "off" without the governor
   * @param signal the governing signal (heap, rss, container), or "-" when none is known
   * @param governingRatio the governing figure, a fraction; NaN when unknown
   * @param heapAfterGc old-generation bytes after the last GC (the live set)
   * @param heapMax the max heap
   * @param rss resident set size
   * @param containerUsage the container's memory usage
   * @param containerLimit the container's limit, or Long.MAX_VALUE for none
   * @param cacheBytes the cache's L1 footprint
   * @param cacheBudget the cache's L1 budget now
   * @param hitRate share of reads served without the loader over the last interval; NaN before any
   * @param poolActive connections in use
   * @param poolTotal connections open
   * @param poolMax the pool's maximum now
   * @param requestsPerSecond requests done per second over the last interval
   * @param lastCleanup the last cleanup in a few words, or "-" for none
   */
  record Figures(String level, String signal, double governingRatio, long heapAfterGc, long heapMax, long rss,
      long containerUsage, long containerLimit, long cacheBytes, long cacheBudget, double hitRate, int poolActive,
      int poolTotal, int poolMax, long requestsPerSecond, String lastCleanup) {}

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

  private final PrintStream out;
  private final boolean terminal;
  private String current = "";

  StatusLine(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  boolean terminal() {
    return terminal;
  }

  /** One status line for the figures, without time stamp or control characters. */
  static String render(Figures f) {
    StringBuilder b = new StringBuilder(200);
    b.append(String.format(Locale.ROOT, "%-9s", f.level().toUpperCase(Locale.ROOT)));
    b.append(' ').append(f.signal()).append(' ').append(percent(f.governingRatio()));
    b.append(" | heap after GC ").append(Bytes.compact(f.heapAfterGc())).append('/').append(Bytes.compact(f.heapMax()));
    b.append(" | RSS ").append(Bytes.compact(f.rss()));
    b.append(" | container ").append(Bytes.compact(f.containerUsage())).append('/')
        .append(f.containerLimit() == Long.MAX_VALUE ? "no limit" : Bytes.compact(f.containerLimit()));
    b.append(" | cache ").append(Bytes.compact(f.cacheBytes())).append('/').append(Bytes.compact(f.cacheBudget()))
        .append(' ').append(percent(f.hitRate())).append(" hit");
    b.append(" | pool ").append(f.poolActive()).append('/').append(f.poolTotal()).append(" max ").append(f.poolMax());
    b.append(" | ").append(f.requestsPerSecond()).append(" req/s");
    b.append(" | cleanup ").append(f.lastCleanup());
    return b.toString();
  }

  static String percent(double fraction) {
    return Double.isNaN(fraction) ? "?%" : Math.round(fraction * 100) + "%";
  }

  /** Shows a new status: redrawn in place on a terminal, a new time-stamped line otherwise. */
  synchronized void show(Figures figures) {
    current = render(figures);
    if (terminal) {
      out.print("\r\033[K" + current);
    } else {
      out.println(LocalTime.now().format(TIME) + " " + current);
    }
    out.flush();
  }

  /** Prints an event (a level change, a cleanup) on its own line, above the status on a terminal. */
  synchronized void event(String text) {
    String line = LocalTime.now().format(TIME) + " " + text;
    if (terminal) {
      out.print("\r\033[K" + line + "\n" + current);
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Ends the in-place line, so what follows starts on a fresh line. */
  synchronized void finish() {
    if (terminal && !current.isEmpty()) {
      out.println();
      out.flush();
    }
    current = "";
  }
}
