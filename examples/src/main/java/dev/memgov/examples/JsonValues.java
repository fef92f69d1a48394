package dev.memgov.examples;

import java.util.SplittableRandom;

/**
 * Makes the JSON-like documents the tenant caches: an account row, its order totals and a list of
 * line items, padded with items to a size chosen per key. Sizes are log-uniform between the
 * minimum and maximum (many small values, a few large ones, as in a real tenant), and the same key
 * always gets the same size. This class is immutable and thread-safe.
 */
final class JsonValues {

  private static final String[] WORDS = {
    "express", "standard", "gift", "wrap", "refurbished", "blue", "large", "organic", "bundle",
    "discount", "spare", "cable", "adapter", "coffee", "filter", "paper", "notebook", "pen", "lamp",
  };

  private final int min;
  private final int max;

  JsonValues(int min, int max) {
    this.min = min;
    this.max = max;
  }

  /** The size the document of {@code key} is padded to, in bytes (one byte per char: ASCII). */
  int sizeOf(long key) {
    if (min == max) {
      return min;
    }
    double u = new SplittableRandom(key * 0x9E3779B97F4A7C15L).nextDouble();
    return (int) Math.round(min * Math.pow((double) max / min, u));
  }

  /** The document for {@code key} built from its database row; ASCII, about {@link #sizeOf} bytes. */
  String document(long key, TenantDatabase.Account account) {
    int size = sizeOf(key);
    SplittableRandom random = new SplittableRandom(key * 31 + account.version());
    StringBuilder b = new StringBuilder(size + 128);
    b.append("{\"key\":\"tenant:").append(key)
        .append("\",\"account\":{\"id\":").append(account.id())
        .append(",\"name\":\"").append(account.name())
        .append("\",\"plan\":\"").append(account.plan())
        .append("\",\"balanceCents\":").append(account.balanceCents())
        .append(",\"version\":").append(account.version())
        .append("},\"orders\":{\"count\":").append(account.orderCount())
        .append(",\"totalCents\":").append(account.orderTotalCents())
        .append("},\"items\":[");
    int item = 0;
    while (b.length() < size - 2) {
      if (item > 0) {
        b.append(',');
      }
      b.append("{\"sku\":\"SKU-").append(1000 + random.nextInt(9000))
          .append("\",\"qty\":").append(1 + random.nextInt(9))
          .append(",\"priceCents\":").append(99 + random.nextInt(50_000))
          .append(",\"note\":\"");
      int words = 1 + random.nextInt(6);
      for (int w = 0; w < words; w++) {
        if (w > 0) {
          b.append(' ');
        }
        b.append(WORDS[random.nextInt(WORDS.length)]);
      }
      b.append("\"}");
      item++;
    }
    b.append("]}");
    return b.toString();
  }
}
