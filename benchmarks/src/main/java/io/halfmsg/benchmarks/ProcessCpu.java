package io.halfmsg.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used so far, user plus system, from {@code /proc/<pid>/stat} (Linux). Read
 * before and after a round; the difference is what the process spent on it, all threads included
 * (JIT and GC too).
 */
final class ProcessCpu {

  /** Clock ticks per second of utime/stime; 100 on Linux (USER_HZ) for every common build. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final String name;
  private final long pid;

  ProcessCpu(String name, long pid) {
    this.name = name;
    this.pid = pid;
  }

  String name() {
    return name;
  }

  long pid() {
    return pid;
  }

  /** Seconds of CPU used since the process started, or NaN if it cannot be read. */
  double seconds() {
    try {
      return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))
          / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * Seconds of CPU the JVM's JIT compiler threads ({@code C1/C2 CompilerThread*}) have used, or 0
   * for a process that has none. A lower bound: a compiler thread the JVM stopped (it adds and
   * removes them with the queue's length) no longer counts.
   */
  double jitSeconds() {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    long ticks = 0;
    try (var threads = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) threads::iterator) {
        try {
          String comm = Files.readString(t.resolve("comm"));
          if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            ticks += ticks(Files.readString(t.resolve("stat")));
          }
        } catch (IOException | RuntimeException e) {
          // The thread ended between the listing and the read: it no longer counts.
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return ticks / TICKS_PER_SECOND;
  }

  private static long ticks(String stat) {
    // The command name (field 2) is in parentheses and may contain spaces: count from after it.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Fields 14 and 15 of stat(5), utime and stime, are the 12th and 13th after the name.
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** The MariaDB (or MySQL) server's process on this machine, if there is one to read. */
  static ProcessCpu databaseServer() {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .command()
                    .map(c -> c.endsWith("/mariadbd") || c.endsWith("/mysqld"))
                    .orElse(false))
        .findFirst()
        .map(p -> new ProcessCpu("mariadbd", p.pid()))
        .orElse(new ProcessCpu("mariadbd", -1));
  }
}
