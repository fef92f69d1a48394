package dev.memgov.core.sensor;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * The OS page size, which {@code /proc/self/statm} counts in. Read once through {@code
 * sun.misc.Unsafe.pageSize()} (module {@code jdk.unsupported}, open to the class path); 4096 when
 * that is not reachable. Stateless and thread-safe.
 */
final class PageSize {
  private static final long VALUE = read();

  private PageSize() {}

  static long get() {
    return VALUE;
  }

  private static long read() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      Method pageSize = unsafeClass.getMethod("pageSize");
      return ((Number) pageSize.invoke(f.get(null))).longValue();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return 4096;
    }
  }
}
