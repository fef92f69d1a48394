package dev.memgov.examples;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * The live status line: on a terminal it is redrawn in place (cursor up and erase, as one or two
 * lines cut to the terminal's width so nothing wraps), and event lines are printed above it;
 * otherwise each status is a plain line with a time stamp.
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
   * @param heapMax the most the old generation can hold (what the heap ratio is over; the heap max under G1)
   * @param rss resident set size
   * @param containerUsage the container's memory usage
   * @param containerLimit the container's limit, or Long.MAX_VALUE for none
   * @param cacheBytes the cache's L1 footprint
   * @param cacheBudget the cache's L1 budget now
   * @param cacheAdmissionStopped whether the cache stopped admitting new entries (emergency)
   * @param hitRate share of reads served without the loader over the last interval; NaN before any
   * @param poolActive connections in use
   * @param poolTotal connections open
   * @param poolMax the pool's maximum now
   * @param requestsPerSecond requests done per second over the last interval
   * @param lastCleanup the last cleanup in a few words, or "-" for none
   */
  record Figures(String level, String signal, double governingRatio, long heapAfterGc, long heapMax, long rss,
      long containerUsage, long containerLimit, long cacheBytes, long cacheBudget, boolean cacheAdmissionStopped, double hitRate, int poolActive,
      int poolTotal, int poolMax, long requestsPerSecond, String lastCleanup) {}

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

  private final PrintStream out;
  private final boolean terminal;
  private final IntSupplier width;
  private String[] block = new String[0];

  /** A status printer; on a terminal, {@code width} gives its columns (see {@link #terminalWidth()}). */
  StatusLine(PrintStream out, boolean terminal, IntSupplier width) {
    this.out = out;
    this.terminal = terminal;
    this.width = width;
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
        .append(f.cacheAdmissionStopped() ? " admission stopped" : "")
        .append(' ').append(percent(f.hitRate())).append(" hit");
    b.append(" | pool ").append(f.poolActive()).append('/').append(f.poolTotal()).append(" max ").append(f.poolMax());
    b.append(" | ").append(f.requestsPerSecond()).append(" req/s");
    b.append(" | cleanup ").append(f.lastCleanup());
    return b.toString();
  }

  static String percent(double fraction) {
    return Double.isNaN(fraction) ? "?%" : Math.round(fraction * 100) + "%";
  }

  /**
   * The lines of a status on a terminal {@code width} columns wide: one line when it fits, else
   * two (split before the cache figures), each cut to {@code width - 1} columns so that nothing
   * wraps and the block can be redrawn in place.
   */
  static String[] layout(String status, int width) {
    int max = Math.max(20, width - 1);
    if (status.length() <= max) {
      return new String[] {status};
    }
    int split = status.indexOf(" | cache ");
    String[] lines = split < 0
        ? new String[] {status}
        : new String[] {status.substring(0, split), "          " + status.substring(split + 3)};
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].length() > max) {
        lines[i] = lines[i].substring(0, max);
      }
    }
    return lines;
  }

  /** Shows a new status: redrawn in place on a terminal, a new time-stamped line otherwise. */
  synchronized void show(Figures figures) {
    String text = render(figures);
    if (terminal) {
      String erase = erase();
      block = layout(text, width.getAsInt());
      out.print(erase + draw());
    } else {
      out.println(LocalTime.now().format(TIME) + " " + text);
    }
    out.flush();
  }

  /** Prints an event (a level change, a cleanup) on its own line, above the status on a terminal. */
  synchronized void event(String text) {
    String line = LocalTime.now().format(TIME) + " " + text;
    if (terminal) {
      out.print(erase() + line + "\n" + draw());
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Moves to the start of the status block and erases it; nothing when none is drawn. */
  private String erase() {
    if (block.length == 0) {
      return "";
    }
    return "\r" + "\033[1A".repeat(block.length - 1) + "\033[J";
  }

  private String draw() {
    return String.join("\n", block);
  }

  /**
   * A stream for {@code System.err} on a terminal: each line written to it is printed to {@code
   * err} with the status block erased first and redrawn after, so log lines do not run into it.
   */
  PrintStream around(PrintStream err) {
    StatusLine self = this;
    return new PrintStream(new java.io.OutputStream() {
      private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

      @Override
      public void write(int b) {
        synchronized (self) {
          line.write(b);
          if (b == '\n') {
            flushLine();
          }
        }
      }

      @Override
      public void flush() {
        synchronized (self) {
          if (line.size() > 0) {
            flushLine();
          }
        }
      }

      private void flushLine() {
        out.print(erase());
        out.flush();
        err.write(line.toByteArray(), 0, line.size());
        err.flush();
        line.reset();
        out.print(draw());
        out.flush();
      }
    }, true, java.nio.charset.Charset.defaultCharset());
  }

  /** Ends the in-place block, so what follows starts on a fresh line. */
  synchronized void finish() {
    if (terminal && block.length > 0) {
      out.println();
      out.flush();
    }
    block = new String[0];
  }

  /**
   * The terminal's width in columns, asked of {@code stty} (Linux, macOS) at most every 5 s, else
   * {@code $COLUMNS}, else 100.
   */
  static IntSupplier terminalWidth() {
    return new IntSupplier() {
      private long askedAt = Long.MIN_VALUE;
      private int width = 100;

      @Override
      public synchronized int getAsInt() {
        long now = System.nanoTime();
        if (askedAt == Long.MIN_VALUE || now - askedAt > 5_000_000_000L) {
          askedAt = now;
          width = ask();
        }
        return width;
      }

      private int ask() {
        try {
          Process p = new ProcessBuilder("sh", "-c", "stty size < /dev/tty").redirectErrorStream(true).start();
          if (p.waitFor(1, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0) {
            String[] rc = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                .trim().split("\\s+");
            if (rc.length == 2 && Integer.parseInt(rc[1]) > 0) {
              return Integer.parseInt(rc[1]);
            }
          } else {
            p.destroyForcibly();
          }
        } catch (java.io.IOException | RuntimeException e) {
          // no stty: fall back below
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        try {
          return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100").trim());
        } catch (NumberFormatException e) {
          return 100;
        }
      }
    };
  }
}
