package dev.memgov.core.jvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident set from {@code /proc/self/statm} (resident pages × page size), read only
 * around a native trim. Stateless and thread-safe.
 */
final class Rss {
  private static final Path STATM = Path.of("/proc/self/statm");

  private Rss() {}

  /** RSS in bytes, or -1 where {@code /proc/self/statm} is missing. */
  static long bytes() {
    try {
      String[] f = new String(Files.readAllBytes(STATM), StandardCharsets.US_ASCII).trim().split("\\s+");
      return Long.parseLong(f[1]) * PageSize.BYTES;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static String describe(long bytes) {
    return bytes < 0 ? "unknown (no /proc/self/statm)" : (bytes >> 10) + " KiB";
  }

  /** The page size: statm counts pages; /proc/self/status VmRSS (kB) over the same count gives it. */
  static final class PageSize {
    static final long BYTES = derive();

    private static long derive() {
      try {
        long pages = Long.parseLong(new String(Files.readAllBytes(STATM), StandardCharsets.US_ASCII).trim().split("\\s+")[1]);
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmRSS:")) {
            long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            long size = kb * 1024 / Math.max(1, pages);
            // round to a power of two: 4 KiB, 16 KiB, 64 KiB
            return Long.highestOneBit(size + size / 4);
          }
        }
      } catch (IOException | RuntimeException e) {
        // fall back below
      }
      return 4096;
    }
  }
}
