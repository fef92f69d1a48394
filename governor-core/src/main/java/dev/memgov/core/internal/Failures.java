package dev.memgov.core.internal;

/** What the governor thread must not swallow. Stateless and thread-safe. */
final class Failures {
  private Failures() {}

  /**
   * Rethrows only what the thread must not outlive: {@code ThreadDeath} (a stop request).
   * {@link VirtualMachineError}s are logged by the caller and the thread keeps running, because
   * the governor is most needed when the heap is nearly full.
   */
  @SuppressWarnings("removal")
  static void rethrowIfFatal(Throwable t) {
    if (t instanceof ThreadDeath) {
      throw (ThreadDeath) t;
    }
  }

  /** A short text for reports: class and message. */
  static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getName() + (m == null ? "" : ": " + m);
  }
}
