package io.halfmsg.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A process the benchmark started: its output goes to a log file, a line of it can be waited for,
 * and it is stopped by {@link #close()} or, whatever happens to the run, by a shutdown hook of this
 * JVM (SIGTERM, then SIGKILL after a timeout). Its pid is also appended to {@code children.pids} in
 * the output directory, so that {@code scripts/bench.sh} can clean up after a driver that was
 * killed outright.
 */
final class ChildProcess implements AutoCloseable {

  /** A system property on every child's command line, so a cleanup can tell ours from others. */
  static final String MARKER = "-Dhalfmsg.bench.child=true";

  private static final long STOP_SECONDS = 20;

  private final String name;
  private final Process process;
  private final Thread hook;
  private final CompletableFuture<String> awaited = new CompletableFuture<>();
  private final Function<String, String> match;

  private ChildProcess(String name, Process process, Function<String, String> match) {
    this.name = name;
    this.process = process;
    this.match = match;
    this.hook = new Thread(this::stop, "bench-stop-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts {@code command}, copying its output to {@code log}.
   *
   * @param match applied to every output line; the first non-null result completes {@link
   *     #awaited()}
   */
  static ChildProcess start(
      String name, List<String> command, Path log, Path pidFile, Function<String, String> match) {
    try {
      Files.createDirectories(log.getParent());
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      Files.writeString(
          pidFile, p.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      ChildProcess child = new ChildProcess(name, p, match);
      Thread pump = new Thread(() -> child.pump(log), "bench-log-" + name);
      pump.setDaemon(true);
      pump.start();
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name + ": " + command, e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** The first matched output line's value; fails if the process ends before printing it. */
  CompletableFuture<String> awaited() {
    return awaited;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  private void pump(Path log) {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out =
            new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println(line);
        if (!awaited.isDone()) {
          String value = match.apply(line);
          if (value != null) {
            awaited.complete(value);
          }
        }
      }
    } catch (IOException e) {
      // The process is gone; whoever waits learns it below.
    } finally {
      awaited.completeExceptionally(
          new IllegalStateException(name + " ended before it was ready; see " + log));
    }
  }

  /** SIGTERM, up to 20 s for a clean stop, then SIGKILL. Calling it again does nothing. */
  private synchronized void stop() {
    if (!process.isAlive()) {
      return;
    }
    try {
      // Closing its standard input is how RocketMqMain learns the parent is going away.
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // Already closed.
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook runs (or ran) anyway.
    }
  }
}
