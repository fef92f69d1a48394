package dev.memgov.cache;

/**
 * Tear-down steps that all run: a step whose resource was never set up (null, e.g. after a
 * set-up that failed half-way) is skipped, and a step that fails does not stop the ones after it
 * (so the Redis server is stopped even when closing a client fails). {@link #done()} throws the
 * first failure, with the later ones suppressed.
 */
public final class Cleanup {
  /** One tear-down action. */
  @FunctionalInterface
  public interface Step {
    void run() throws Exception;
  }

  private Throwable first;

  /** Runs {@code step} unless {@code resource} is null, keeping any failure for {@link #done()}. */
  public Cleanup step(Object resource, Step step) {
    if (resource == null) {
      return this;
    }
    try {
      step.run();
    } catch (Exception | Error e) {
      if (first == null) {
        first = e;
      } else {
        first.addSuppressed(e);
      }
    }
    return this;
  }

  /** Closes {@code resource} unless it is null. */
  public Cleanup close(AutoCloseable resource) {
    return resource == null ? this : step(resource, resource::close);
  }

  /** Throws the first failure of the steps, if any. */
  public void done() throws Exception {
    if (first instanceof Exception e) {
      throw e;
    }
    if (first instanceof Error e) {
      throw e;
    }
  }
}
