package dev.memgov.core.internal;

import dev.memgov.core.GovernorEvent;
import dev.memgov.core.MemoryGovernor;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed subscriptions to {@link GovernorEvent}s. {@link #wants(Class)} lets the publisher skip
 * building an event nobody listens to; a listener that throws is logged and the others still run.
 * Subscribing is thread-safe; {@link #publish} runs listeners on the calling thread.
 */
final class EventBus {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryGovernor.class);

  private final String owner;
  private final CopyOnWriteArrayList<Subscription<?>> subscriptions = new CopyOnWriteArrayList<>();

  EventBus(String owner) {
    this.owner = owner;
  }

  <E extends GovernorEvent> AutoCloseable subscribe(Class<E> type, Consumer<? super E> listener) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(listener, "listener");
    Subscription<E> s = new Subscription<>(type, listener);
    subscriptions.add(s);
    return () -> subscriptions.remove(s);
  }

  /** Whether anyone listens to events of {@code type}; no allocation. */
  boolean wants(Class<? extends GovernorEvent> type) {
    for (Subscription<?> s : subscriptions) {
      if (s.type.isAssignableFrom(type)) {
        return true;
      }
    }
    return false;
  }

  void publish(GovernorEvent event) {
    for (Subscription<?> s : subscriptions) {
      if (s.type.isInstance(event)) {
        s.deliver(event, owner);
      }
    }
  }

  private static final class Subscription<E extends GovernorEvent> {
    final Class<E> type;
    final Consumer<? super E> listener;

    Subscription(Class<E> type, Consumer<? super E> listener) {
      this.type = type;
      this.listener = listener;
    }

    void deliver(GovernorEvent event, String owner) {
      try {
        listener.accept(type.cast(event));
      } catch (Throwable t) { // isolate listeners; VirtualMachineErrors are logged, never silent
        Failures.rethrowIfFatal(t);
        LOG.error("memgov '{}': a {} listener threw; other listeners still run", owner,
            event.getClass().getSimpleName(), t);
      }
    }
  }
}
