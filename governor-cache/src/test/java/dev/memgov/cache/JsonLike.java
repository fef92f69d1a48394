package dev.memgov.cache;

import java.util.Random;

/** JSON-like text with random ids, the kind of value services cache. */
public final class JsonLike {
  private JsonLike() {}

  public static String of(int size, long seed) {
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder(size + 200).append('[');
    while (b.length() < size) {
      b.append("{\"id\":\"").append(Long.toHexString(r.nextLong())).append("\",\"name\":\"user-").append(r.nextInt(100000))
          .append("\",\"active\":").append(r.nextBoolean()).append(",\"score\":").append(r.nextInt(1000))
          .append(",\"tags\":[\"alpha\",\"beta\"]},");
    }
    return b.substring(0, size);
  }
}
