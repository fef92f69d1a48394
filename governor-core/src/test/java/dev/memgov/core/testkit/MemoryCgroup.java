package dev.memgov.core.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memory cgroup made by a test, for running a child process under a memory limit: create it
 * with {@link #create(String, long)} (the name must start with {@code memgov-}), start processes
 * inside it with {@link #start(List)} or {@link #run(List, Duration)}, read its peak usage and OOM
 * kills, and {@link #close()} it — which kills what is still inside and removes the directory.
 *
 * <p>cgroup v1: a child of the {@code memory} hierarchy's mount point ({@code memory.limit_in_bytes}).
 * cgroup v2: a child of the cgroup2 mount point, only where the {@code memory} controller is
 * already enabled for children there ({@code cgroup.subtree_control}); this class never changes a
 * cgroup it did not create. Needs root. {@link #unavailableReason()} says why it cannot be used
 * (for JUnit assumptions).
 *
 * <p>Reusable from the core test-jar by the survival and density tests. Not thread-safe.
 */
public final class MemoryCgroup implements AutoCloseable {
  private static final String PREFIX = "memgov-";
  /**
   * The names the project's tests and scenarios give their groups, with the pid of the JVM that
   * made them: {@code memgov-test-<pid>} (core), {@code memgov-it-<pid>-<suffix>} (examples'
   * integration tests), {@code memgov-scn-<pid>-<suffix>} (benchmark scenarios).
   */
  private static final Pattern OWNED = Pattern.compile("memgov-(?:test|it|scn)-(\\d{1,10})(?:-[A-Za-z0-9_.-]*)?");

  private final int version;
  private final Path dir;
  private final long limitBytes;
  private final List<Process> started = new ArrayList<>();
  private boolean closed;

  private MemoryCgroup(int version, Path dir, long limitBytes) {
    this.version = version;
    this.dir = dir;
    this.limitBytes = limitBytes;
  }

  /** Where a test cgroup would be made: {@code version} 1 or 2 and the parent directory. */
  record Base(int version, Path parent, String problem) {}

  /** Null when a memory cgroup can be created here, else why not. */
  public static String unavailableReason() {
    return base().problem();
  }

  static Base base() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return new Base(0, null, "not Linux");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return new Base(0, null, "creating a cgroup needs root, running as " + System.getProperty("user.name"));
    }
    List<String> mounts;
    try {
      mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      return new Base(0, null, "cannot read /proc/self/mountinfo: " + e.getMessage());
    }
    Path v2 = null;
    for (String line : mounts) {
      String[] f = line.split(" ");
      int dash = line.indexOf(" - ");
      if (dash < 0 || f.length < 5) {
        continue;
      }
      String[] tail = line.substring(dash + 3).split(" ");
      if (tail[0].equals("cgroup") && tail.length > 2 && List.of(tail[2].split(",")).contains("memory")) {
        Path p = Path.of(f[4]);
        return Files.isWritable(p) && f[3].equals("/")
            ? new Base(1, p, null)
            : new Base(1, p, "the cgroup v1 memory hierarchy at " + p + " is not writable from here (mount root " + f[3] + ")");
      }
      if (tail[0].equals("cgroup2")) {
        v2 = Path.of(f[4]);
      }
    }
    if (v2 == null) {
      return new Base(0, null, "no memory cgroup hierarchy is mounted");
    }
    try {
      String controllers = Files.readString(v2.resolve("cgroup.subtree_control"));
      if (!List.of(controllers.trim().split(" ")).contains("memory")) {
        return new Base(2, v2, "cgroup v2 at " + v2 + " does not enable the memory controller for children "
            + "(cgroup.subtree_control: '" + controllers.trim() + "'), and this test changes no cgroup it did not create");
      }
    } catch (IOException e) {
      return new Base(2, v2, "cannot read " + v2.resolve("cgroup.subtree_control") + ": " + e.getMessage());
    }
    return Files.isWritable(v2) ? new Base(2, v2, null) : new Base(2, v2, v2 + " is not writable");
  }

  /**
   * Creates the cgroup {@code name} (which must start with {@code memgov-}) with a memory limit.
   * Name it {@code memgov-test-<pid>}, {@code memgov-it-<pid>-<suffix>} or {@code
   * memgov-scn-<pid>-<suffix>} with this JVM's pid, so that a later run can remove it if this JVM
   * dies before closing it (see {@link #removeStale(Path)}).
   *
   * @throws IllegalStateException with {@link #unavailableReason()} when this machine cannot
   */
  public static MemoryCgroup create(String name, long limitBytes) throws IOException {
    if (!name.startsWith(PREFIX) || name.contains("/") || name.contains("..")) {
      throw new IllegalArgumentException("name must start with '" + PREFIX + "' and be one path element, but was '" + name + "'");
    }
    if (limitBytes < (1L << 20)) {
      throw new IllegalArgumentException("limitBytes must be at least 1 MiB, but was " + limitBytes);
    }
    Base base = base();
    if (base.problem() != null) {
      throw new IllegalStateException("memgov test cgroup: " + base.problem());
    }
    removeStale(base.parent());
    Path dir = base.parent().resolve(name);
    Files.createDirectory(dir);
    MemoryCgroup cg = new MemoryCgroup(base.version(), dir, limitBytes);
    try {
      if (base.version() == 1) {
        write(dir.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
        if (Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
          write(dir.resolve("memory.memsw.limit_in_bytes"), Long.toString(limitBytes));
        }
      } else {
        write(dir.resolve("memory.max"), Long.toString(limitBytes));
        if (Files.exists(dir.resolve("memory.swap.max"))) {
          write(dir.resolve("memory.swap.max"), "0");
        }
      }
    } catch (IOException | RuntimeException e) {
      cg.close();
      throw e;
    }
    return cg;
  }

  public int version() {
    return version;
  }

  public Path dir() {
    return dir;
  }

  public long limitBytes() {
    return limitBytes;
  }

  /** Moves a running process into this cgroup. */
  public void moveIn(long pid) throws IOException {
    write(dir.resolve("cgroup.procs"), Long.toString(pid));
  }

  /** Starts {@code command} inside this cgroup from its first instruction (via {@code sh}, which execs it). */
  public Process start(List<String> command) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
        dir.resolve("cgroup.procs").toString()));
    cmd.addAll(command);
    Process p = new ProcessBuilder(cmd).start();
    started.add(p);
    return p;
  }

  /** Runs {@code command} inside this cgroup to its end; kills it after {@code timeout}. */
  public Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
    return collect(start(command), timeout);
  }

  /** Runs {@code command} outside any test cgroup; kills it after {@code timeout}. */
  public static Result runPlain(List<String> command, Duration timeout) throws IOException, InterruptedException {
    return collect(new ProcessBuilder(command).start(), timeout);
  }

  /** {@code java [jvmArgs] -cp <this JVM's class path> mainClass [args]}, with this JVM's java. */
  public static List<String> javaCommand(List<String> jvmArgs, Class<?> mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Peak usage in bytes (v1 {@code memory.max_usage_in_bytes}, v2 {@code memory.peak}), -1 if the kernel has none. */
  public long peakBytes() throws IOException {
    Path f = dir.resolve(version == 1 ? "memory.max_usage_in_bytes" : "memory.peak");
    return Files.exists(f) ? Long.parseLong(Files.readString(f).trim()) : -1;
  }

  /** Current usage in bytes. */
  public long usageBytes() throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(version == 1 ? "memory.usage_in_bytes" : "memory.current")).trim());
  }

  /** Processes the kernel's OOM killer killed in this cgroup ({@code oom_kill}), -1 if not reported. */
  public long oomKills() throws IOException {
    Path f = dir.resolve(version == 1 ? "memory.oom_control" : "memory.events");
    for (String line : Files.readAllLines(f)) {
      if (line.startsWith("oom_kill ")) {
        return Long.parseLong(line.substring("oom_kill ".length()).trim());
      }
    }
    return -1;
  }

  /** Pids now inside this cgroup. */
  public List<Long> pids() throws IOException {
    List<Long> pids = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
      if (!line.isBlank()) {
        pids.add(Long.parseLong(line.trim()));
      }
    }
    return pids;
  }

  /** Kills the processes this object started (and any left in the cgroup), then removes the cgroup. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : started) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Files.exists(dir)) {
      for (Long pid : pids()) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      try {
        Files.delete(dir);
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("memgov test cgroup: could not remove " + dir + ": " + e.getMessage(), e);
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("memgov test cgroup: interrupted while removing " + dir, ie);
        }
      }
    }
  }

  /**
   * Removes groups left behind by test JVMs that died before closing them: only groups whose name
   * has the form of {@link #ownerPid(String)}, whose owner pid is no longer a live process, and
   * that hold no process. Other {@code memgov-*} names are never touched (their numbers need not
   * be pids), nor is anything not named {@code memgov-*}.
   */
  static void removeStale(Path parent) {
    try (var dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path d : dirs) {
        long pid = ownerPid(d.getFileName().toString());
        if (pid <= 0 || !Files.isDirectory(d)) {
          continue;
        }
        try {
          if (ProcessHandle.of(pid).isPresent() || !Files.readString(d.resolve("cgroup.procs")).isBlank()) {
            continue;
          }
          Files.delete(d);
        } catch (IOException e) {
          // unreadable, still busy (child cgroups or a process just moved in): leave it
        }
      }
    } catch (IOException e) {
      // nothing to clean up, or not allowed to look
    }
  }

  /**
   * The pid of the JVM that made the group {@code name} ({@code memgov-test-<pid>}, {@code
   * memgov-it-<pid>-<suffix>}, {@code memgov-scn-<pid>-<suffix>}), or -1 for any other name.
   */
  static long ownerPid(String name) {
    Matcher m = OWNED.matcher(name);
    if (!m.matches()) {
      return -1;
    }
    try {
      return Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void write(Path file, String value) throws IOException {
    Files.writeString(file, value);
  }

  private static Result collect(Process p, Duration timeout) throws InterruptedException {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread o = pump(p.getInputStream(), out);
    Thread e = pump(p.getErrorStream(), err);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(p);
        p.waitFor(10, TimeUnit.SECONDS);
      }
      o.join(5000);
      e.join(5000);
    } catch (InterruptedException ie) {
      // the test was interrupted (a JUnit timeout, a cancelled run): the child must not outlive it
      kill(p);
      throw ie;
    }
    return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** A finished child: its exit code and output. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** The {@code name=value} lines of stdout. */
    public Map<String, String> properties() {
      Map<String, String> m = new LinkedHashMap<>();
      for (String line : stdout.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
      return m;
    }
  }

  private static Thread pump(InputStream in, OutputStream to) {
    Thread t = new Thread(() -> {
      try (in) {
        in.transferTo(to);
      } catch (IOException ignored) {
        // the child went away
      }
    }, "memgov-child-output");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
