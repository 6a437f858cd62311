package io.halfmsg.process;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One process of a stack under test, which a test starts, kills with SIGKILL, freezes with SIGSTOP
 * and starts again on the same ports and data. Its output of every life is appended to one log
 * file. A process still running when the test JVM exits is killed by a shutdown hook.
 */
public final class ChildService implements AutoCloseable {

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final boolean inheritEnvironment;
  private final Path workingDirectory;
  private final Path log;
  private final BooleanSupplier ready;
  private final Thread hook;
  private Process process;
  private int starts;

  /**
   * @param ready true once the process serves (polled after each start)
   */
  public ChildService(String name, List<String> command, Path log, BooleanSupplier ready) {
    this(name, command, Map.of(), log, ready);
  }

  /**
   * @param environment added to the process's environment: where secrets go, as in production,
   *     rather than on a command line every user of the machine can read
   */
  public ChildService(
      String name,
      List<String> command,
      Map<String, String> environment,
      Path log,
      BooleanSupplier ready) {
    this(name, command, environment, true, null, log, ready);
  }

  private ChildService(
      String name,
      List<String> command,
      Map<String, String> environment,
      boolean inheritEnvironment,
      Path workingDirectory,
      Path log,
      BooleanSupplier ready) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.inheritEnvironment = inheritEnvironment;
    this.workingDirectory = workingDirectory;
    this.log = log;
    this.ready = ready;
    this.hook = new Thread(this::kill, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * A process that sees this environment and nothing of the test JVM's, started in {@code
   * workingDirectory}: as a container sees only what its image and its service define.
   */
  public static ChildService isolated(
      String name,
      List<String> command,
      Map<String, String> environment,
      Path workingDirectory,
      Path log,
      BooleanSupplier ready) {
    return new ChildService(name, command, environment, false, workingDirectory, log, ready);
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  /** The last lines of its log, for a failure message. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** How often it was started. */
  public synchronized int starts() {
    return starts;
  }

  public synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running");
    }
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "==== start " + (starts + 1) + " of " + name + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder builder = new ProcessBuilder(command);
      if (!inheritEnvironment) {
        builder.environment().clear();
      }
      builder.environment().putAll(environment);
      if (workingDirectory != null) {
        Files.createDirectories(workingDirectory);
        builder.directory(workingDirectory.toFile());
      }
      process =
          builder
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              // A pipe nobody writes: RocketMqMain stops when it closes, i.e. when this JVM dies.
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      starts++;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name + ": " + command, e);
    }
  }

  /** Waits until it serves; fails at once if it exits meanwhile. */
  public void awaitReady(Duration atMost) {
    await(name + " to serve (log: " + log + ")")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .failFast(name + " exited", () -> !isAlive())
        .ignoreExceptions()
        .until(ready::getAsBoolean);
  }

  public void startAndAwaitReady(Duration atMost) {
    start();
    awaitReady(atMost);
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process.pid();
  }

  /** SIGKILL, and waits until it is gone. Nothing if it is not running. */
  public void kill() {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null || !p.isAlive()) {
      return;
    }
    resume(); // a stopped process dies of SIGKILL too, but let its state be plain
    p.destroyForcibly();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until the process ends by itself (e.g. a crash it was asked for); its exit code. */
  public int awaitExit(Duration atMost) {
    Process p;
    synchronized (this) {
      p = process;
    }
    try {
      if (!p.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(name + " did not exit within " + atMost);
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing until {@link #resume()}. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String signal) {
    long pid;
    synchronized (this) {
      if (process == null || !process.isAlive()) {
        return;
      }
      pid = process.pid();
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook runs anyway.
    }
  }
}
