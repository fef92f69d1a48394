package dev.memgov.benchmarks.cache;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** JSON-like values with random ids, as services cache them (same generator as the cache tests). */
final class JsonValues {
  private JsonValues() {}

  static String text(int size, long seed) {
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder(size + 200).append('[');
    while (b.length() < size) {
      b.append("{\"id\":\"").append(Long.toHexString(r.nextLong())).append("\",\"name\":\"user-").append(r.nextInt(100000))
          .append("\",\"active\":").append(r.nextBoolean()).append(",\"score\":").append(r.nextInt(1000))
          .append(",\"tags\":[\"alpha\",\"beta\"]},");
    }
    return b.substring(0, size);
  }

  static byte[] bytes(int size, long seed) {
    return text(size, seed).getBytes(StandardCharsets.UTF_8);
  }
}
