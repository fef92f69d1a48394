package dev.memgov.jdbc.functional;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A closed-loop query load: {@code threads} threads, each borrowing a connection, running one
 * query and returning it, until stopped. Counts queries that succeeded and failed; keeps the
 * first failures for the assertion message.
 */
final class QueryLoad implements AutoCloseable {

  private final List<Thread> workers = new ArrayList<>();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private volatile boolean running = true;

  QueryLoad(DataSource ds, int threads, String sql) {
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        while (running) {
          try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
              // read it all
            }
            ok.incrementAndGet();
          } catch (SQLException | RuntimeException e) {
            if (failed.incrementAndGet() <= 5) {
              failures.add(e.toString());
            }
          }
        }
      }, "query-load-" + i);
      t.setDaemon(true);
      workers.add(t);
    }
    workers.forEach(Thread::start);
  }

  long ok() {
    return ok.get();
  }

  long failed() {
    return failed.get();
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  /** Stops the threads and waits for them to finish their last query. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : workers) {
      t.join(30_000);
    }
  }
}
