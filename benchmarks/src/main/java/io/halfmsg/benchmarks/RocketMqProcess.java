package io.halfmsg.benchmarks;

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

  /** Starts it with {@code topics} created and waits until it prints its name server address. */
  static RocketMqProcess start(BenchSettings s, Path pidFile, List<String> topics) {
    List<String> command =
        JavaCommand.java(s.rocketMqXmx(), s.jfr(), s.outputDir().resolve("rocketmq.jfr"));
    // The driver's own class path holds embedded-rocketmq and RocketMQ's broker.
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), RocketMqMain.class.getName()));
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
    try {
      return new RocketMqProcess(child, child.awaited().get(120, TimeUnit.SECONDS));
    } catch (ExecutionException | TimeoutException e) {
      child.close();
      throw new IllegalStateException("RocketMQ did not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      child.close();
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
