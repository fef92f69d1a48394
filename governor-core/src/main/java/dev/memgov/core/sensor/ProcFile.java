package dev.memgov.core.sensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A small /proc or cgroup file read again and again through one open {@link FileChannel} into one
 * direct buffer, at offset 0 (which returns fresh contents for these pseudo-files). A read creates
 * no garbage; parsing works on the buffer's bytes.
 *
 * <p>A file that cannot be opened is not retried on every read (that would throw and allocate on
 * each sample); {@link #retry()} allows one more attempt, and the sensor calls it on its slow
 * cadence. {@link #failure()} says why the last read failed.
 *
 * <p>Not thread-safe: one sampling thread reads, {@link #close()} may race only with a read that
 * then fails.
 */
final class ProcFile implements AutoCloseable {
  private final Path path;
  private final ByteBuffer buf;
  private FileChannel channel;
  private boolean failed;
  private String failure;
  private int length;

  ProcFile(Path path, int capacity) {
    this.path = path;
    this.buf = ByteBuffer.allocateDirect(capacity);
  }

  Path path() {
    return path;
  }

  /** Reads the whole file (up to the buffer's capacity); {@code false} when it cannot be read. */
  boolean read() {
    if (failed) {
      return false;
    }
    try {
      FileChannel ch = channel;
      if (ch == null) {
        ch = FileChannel.open(path, StandardOpenOption.READ);
        channel = ch;
      }
      buf.clear();
      long pos = 0;
      int n;
      while (buf.hasRemaining() && (n = ch.read(buf, pos)) > 0) {
        pos += n;
      }
      length = buf.position();
      return true;
    } catch (NoSuchFileException e) {
      fail("no " + path);
    } catch (IOException | RuntimeException e) {
      fail("cannot read " + path + ": " + e.getMessage());
    }
    return false;
  }

  private void fail(String why) {
    failed = true;
    failure = why;
    length = 0;
    closeChannel();
  }

  /** Allows the next {@link #read()} to try opening the file again after a failure. */
  void retry() {
    failed = false;
  }

  /** Why the last read failed, or null. */
  String failure() {
    return failed ? failure : null;
  }

  int length() {
    return length;
  }

  /** The first decimal number in the file, {@code -1} if it starts with something else. */
  long firstLong() {
    return parseLong(skipSpaces(0));
  }

  /** {@code true} when the file's contents start with {@code prefix}. */
  boolean startsWith(byte[] prefix) {
    return matches(0, prefix);
  }

  /** The {@code index}-th (0-based) space-separated decimal field of the first line, or -1. */
  long field(int index) {
    int i = skipSpaces(0);
    for (int f = 0; f < index; f++) {
      while (i < length && buf.get(i) != ' ' && buf.get(i) != '\n') {
        i++;
      }
      i = skipSpaces(i);
    }
    return parseLong(i);
  }

  /** The value of the line {@code "<key> <value>"}, or -1 when there is no such line. */
  long keyed(byte[] key) {
    int line = 0;
    while (line < length) {
      if (matches(line, key) && line + key.length < length && buf.get(line + key.length) == ' ') {
        return parseLong(skipSpaces(line + key.length));
      }
      line = nextLine(line);
    }
    return -1;
  }

  /**
   * In a PSI file ({@code some avg10=1.23 avg60=... total=...}), the avg10 of the line starting
   * with {@code kind}, in percent; NaN when absent.
   */
  double psiAvg10(byte[] kind) {
    int line = 0;
    while (line < length) {
      if (matches(line, kind)) {
        int end = nextLine(line);
        for (int i = line + kind.length; i + AVG10.length <= end; i++) {
          if (matches(i, AVG10)) {
            return parseDecimal(i + AVG10.length);
          }
        }
        return Double.NaN;
      }
      line = nextLine(line);
    }
    return Double.NaN;
  }

  private static final byte[] AVG10 = ascii("avg10=");

  static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private boolean matches(int at, byte[] s) {
    if (at + s.length > length) {
      return false;
    }
    for (int k = 0; k < s.length; k++) {
      if (buf.get(at + k) != s[k]) {
        return false;
      }
    }
    return true;
  }

  private int nextLine(int i) {
    while (i < length && buf.get(i) != '\n') {
      i++;
    }
    return i + 1;
  }

  private int skipSpaces(int i) {
    while (i < length && (buf.get(i) == ' ' || buf.get(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** Parses a non-negative decimal; -1 when there is no digit; saturates at Long.MAX_VALUE. */
  private long parseLong(int i) {
    long v = 0;
    boolean any = false;
    while (i < length) {
      byte b = buf.get(i);
      if (b < '0' || b > '9') {
        break;
      }
      any = true;
      int d = b - '0';
      if (v > (Long.MAX_VALUE - d) / 10) {
        v = Long.MAX_VALUE;
      } else {
        v = v * 10 + d;
      }
      i++;
    }
    return any ? v : -1;
  }

  private double parseDecimal(int i) {
    long whole = 0;
    long frac = 0;
    long scale = 1;
    boolean any = false;
    while (i < length && buf.get(i) >= '0' && buf.get(i) <= '9') {
      whole = whole * 10 + (buf.get(i) - '0');
      any = true;
      i++;
    }
    if (i < length && buf.get(i) == '.') {
      i++;
      while (i < length && buf.get(i) >= '0' && buf.get(i) <= '9' && scale < 1_000_000_000L) {
        frac = frac * 10 + (buf.get(i) - '0');
        scale *= 10;
        any = true;
        i++;
      }
    }
    return any ? whole + (double) frac / scale : Double.NaN;
  }

  private void closeChannel() {
    FileChannel ch = channel;
    channel = null;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing to do: the file is read-only
      }
    }
  }

  @Override
  public void close() {
    closeChannel();
    failed = true;
    failure = "sensor closed";
  }
}
