package io.halfmsg.benchmarks;

import io.halfmsg.rocketmq.embedded.RocketMqMain;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The RocketMQ name server and broker in a JVM of their own ({@link RocketMqMain}). */
final class RocketMqProcess implements AutoCloseable {

  private final ChildProcess child;
  private final String namesrvAddr;

  private RocketMqProcess(ChildProcess child, String namesrvAddr) {
    this.child = child;
    this.namesrvAddr = namesrvAddr;
  }

  /**
   * Starts it with its name server on {@code namesrvPort} and {@code topics} created; {@link
   * #awaitReady()} waits until it serves.
   */
  static RocketMqProcess launch(
      BenchSettings s, Path pidFile, int namesrvPort, List<String> topics) {
    List<String> command =
        JavaCommand.java(s, s.rocketMqXmx(), s.outputDir().resolve("rocketmq.jfr"));
    // The driver's own class path holds embedded-rocketmq and RocketMQ's broker.
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            RocketMqMain.class.getName(),
            Integer.toString(namesrvPort)));
    command.addAll(topics);
    ChildProcess child =
        ChildProcess.start(
            "rocketmq",
            command,
            s.outputDir().resolve("rocketmq.log"),
            pidFile,
            line ->
                line.startsWith(RocketMqMain.READY)
                    ? line.substring(RocketMqMain.READY.length()).trim()
                    : null);
    return new RocketMqProcess(child, "127.0.0.1:" + namesrvPort);
  }

  /** Waits until the name server and broker are up and the topics exist. */
  void awaitReady() {
    try {
      String printed = child.awaited().get(120, TimeUnit.SECONDS);
      if (!printed.equals(namesrvAddr)) {
        throw new IllegalStateException("RocketMQ listens at " + printed + ", not " + namesrvAddr);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("RocketMQ did not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String namesrvAddr() {
    return namesrvAddr;
  }

  long pid() {
    return child.pid();
  }

  @Override
  public void close() {
    child.close();
  }
}
