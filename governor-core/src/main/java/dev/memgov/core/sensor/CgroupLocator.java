package dev.memgov.core.sensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds this process's memory cgroup directory from {@code proc/self/cgroup} and {@code
 * proc/self/mountinfo} under a root directory ({@code /} in production, a fixture in tests).
 *
 * <p>Rules: a cgroup v1 line naming the {@code memory} controller wins (hybrid hosts mount v2 as
 * well, but the memory controller is on v1 there); otherwise the v2 line {@code 0::/path}. The
 * directory is the matching mount point plus the cgroup path relative to the mount's root (in a
 * container with its own cgroup namespace the path is {@code /} and the mount point itself is the
 * container's cgroup). If that directory does not exist, the mount point is used.
 *
 * <p>Runs once per sensor; it allocates freely. Stateless and thread-safe.
 */
final class CgroupLocator {

  /** Where the memory cgroup is: {@code version} 1 or 2, its directory and its mount point. */
  record Location(int version, Path dir, Path mountPoint) {}

  /** The location, or a reason why there is none. */
  record Result(Location location, String reason) {}

  private CgroupLocator() {}

  static Result locate(Path root) {
    List<String> cgroups;
    List<String> mounts;
    try {
      cgroups = Files.readAllLines(root.resolve("proc/self/cgroup"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return new Result(null, "no /proc/self/cgroup (not Linux, or /proc not mounted)");
    }
    try {
      mounts = Files.readAllLines(root.resolve("proc/self/mountinfo"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return new Result(null, "no /proc/self/mountinfo to find the cgroup file system");
    }
    String v1Path = null;
    String v2Path = null;
    for (String line : cgroups) {
      String[] parts = line.split(":", 3);
      if (parts.length < 3) {
        continue;
      }
      if (parts[0].equals("0") && parts[1].isEmpty()) {
        v2Path = parts[2];
      } else {
        for (String controller : parts[1].split(",")) {
          if (controller.equals("memory")) {
            v1Path = parts[2];
          }
        }
      }
    }
    if (v1Path != null) {
      Mount m = findMount(mounts, root, 1);
      if (m == null) {
        return new Result(null, "the memory cgroup (v1) is not mounted in this mount namespace");
      }
      return new Result(new Location(1, m.dirFor(v1Path), m.point), null);
    }
    if (v2Path != null) {
      Mount m = findMount(mounts, root, 2);
      if (m == null) {
        return new Result(null, "cgroup v2 is not mounted in this mount namespace");
      }
      Path dir = m.dirFor(v2Path);
      if (!Files.exists(dir.resolve("memory.current"))) {
        return new Result(null, "cgroup v2 without the memory controller at " + dir);
      }
      return new Result(new Location(2, dir, m.point), null);
    }
    return new Result(null, "no memory cgroup in /proc/self/cgroup");
  }

  private record Mount(String cgroupRoot, Path point) {
    Path dirFor(String cgroupPath) {
      String rel = cgroupPath;
      if (!cgroupRoot.equals("/") && (rel.equals(cgroupRoot) || rel.startsWith(cgroupRoot + "/"))) {
        rel = rel.substring(cgroupRoot.length());
      }
      while (rel.startsWith("/")) {
        rel = rel.substring(1);
      }
      Path dir = rel.isEmpty() ? point : point.resolve(rel);
      return Files.isDirectory(dir) ? dir : point;
    }
  }

  /** mountinfo: {@code id parent maj:min root mountpoint opts [optional...] - fstype source superopts}. */
  private static Mount findMount(List<String> mounts, Path root, int version) {
    for (String line : mounts) {
      String[] f = line.split(" ");
      int dash = -1;
      for (int i = 6; i < f.length; i++) {
        if (f[i].equals("-")) {
          dash = i;
          break;
        }
      }
      if (dash < 0 || dash + 3 > f.length) {
        continue;
      }
      String type = f[dash + 1];
      boolean match;
      if (version == 2) {
        match = type.equals("cgroup2");
      } else {
        match = false;
        if (type.equals("cgroup")) {
          String superOpts = dash + 3 < f.length ? f[dash + 3] : "";
          for (String opt : superOpts.split(",")) {
            match |= opt.equals("memory");
          }
        }
      }
      if (match) {
        String point = unescape(f[4]);
        return new Mount(unescape(f[3]), root.resolve(point.substring(1)));
      }
    }
    return null;
  }

  /** mountinfo escapes space, tab, newline and backslash as octal {@code \040} etc. */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()) {
        try {
          b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
          i += 3;
          continue;
        } catch (NumberFormatException e) {
          // not an escape
        }
      }
      b.append(c);
    }
    return b.toString();
  }
}
