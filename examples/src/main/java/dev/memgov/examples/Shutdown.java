package dev.memgov.examples;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into an orderly stop: the first signal releases the main
 * thread, which closes the app and exits with 0; a second one exits at once with 130. Without this
 * the JVM would run its shutdown hooks and exit with 128 + the signal number. Where a signal cannot
 * be handled (an unusual platform) the shutdown hook still closes the app. Thread-safe.
 */
final class Shutdown {

  private Shutdown() {}

  static void onSignals(CountDownLatch stop) {
    AtomicInteger count = new AtomicInteger();
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(name), sig -> {
          if (count.incrementAndGet() > 1) {
            System.err.println("memgov demo: second signal, stopping at once");
            Runtime.getRuntime().halt(130);
          }
          stop.countDown();
        });
      } catch (IllegalArgumentException e) {
        // this platform does not let us handle the signal: the shutdown hook closes the app
      }
    }
  }
}
