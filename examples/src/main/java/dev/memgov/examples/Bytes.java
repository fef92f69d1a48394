package dev.memgov.examples;

import java.util.Locale;
import java.util.regex.Pattern;

/** Parses and prints byte sizes for the command line and the status line. Stateless and thread-safe. */
final class Bytes {

  /** A plain decimal: digits with an optional fraction; no sign, exponent, hex or d/f suffix. */
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");

  private Bytes() {}

  /**
   * {@code text} as a plain decimal ({@code 12}, {@code 0.5}, {@code .5}), or NaN for anything else,
   * including what {@link Double#parseDouble} also reads ({@code 1e3}, {@code 64d}, {@code 0x1p4}).
   */
  static double decimal(String text) {
    String s = text.trim();
    return DECIMAL.matcher(s).matches() ? Double.parseDouble(s) : Double.NaN;
  }

  /**
   * Parses {@code 4096}, {@code 512k}, {@code 0.5k}, {@code 256m}, {@code 2g}, {@code 16KiB}
   * (binary units, decimals allowed).
   *
   * @throws IllegalArgumentException when it is not such a size
   */
  static long parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.endsWith("ib")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("b")) {
      s = s.substring(0, s.length() - 1);
    }
    long unit = 1;
    if (!s.isEmpty()) {
      char last = s.charAt(s.length() - 1);
      if (last == 'k' || last == 'm' || last == 'g') {
        unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
        s = s.substring(0, s.length() - 1).trim();
      }
    }
    double n = decimal(s);
    if (!(n >= 0) || n * unit > Long.MAX_VALUE / 2) {
      throw new IllegalArgumentException("not a size: '" + text + "'");
    }
    return Math.round(n * unit);
  }

  /** {@code 512 B}, {@code 12.3 KiB}, {@code 118.0 MiB}, {@code 1.50 GiB}; {@code ?} when negative (unknown). */
  static String format(long bytes) {
    if (bytes < 0) {
      return "?";
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1L << 20) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    if (bytes < 1L << 30) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }

  /** Short form for the status line: {@code 512B}, {@code 12K}, {@code 118M}, {@code 1.5G}; {@code ?} when unknown. */
  static String compact(long bytes) {
    if (bytes < 0) {
      return "?";
    }
    if (bytes < 1024) {
      return bytes + "B";
    }
    if (bytes < 1L << 20) {
      return (bytes >> 10) + "K";
    }
    if (bytes < 10L << 30) {
      return bytes < 1L << 30 ? (bytes >> 20) + "M" : String.format(Locale.ROOT, "%.1fG", bytes / (double) (1L << 30));
    }
    return (bytes >> 30) + "G";
  }
}
