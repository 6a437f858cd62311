package io.halfmsg.compose;

import io.halfmsg.process.ChildService;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service of the compose file as a local process: the process, what must happen after it starts
 * before the service counts as started (the mysql image's initialization), and its healthcheck, run
 * the way the container runtime runs it — the translated command, in the service's environment,
 * given the healthcheck's timeout, healthy on exit code 0.
 */
final class StackService implements AutoCloseable {

  private final String name;
  private final ChildService process;
  private final Runnable afterStart;
  private final Healthcheck healthcheck;
  private final List<String> probe;
  private final Map<String, String> probeEnvironment;
  private final Path workingDirectory;

  /**
   * @param healthcheck with its command as the container has it; null if there is none
   * @param probeEnvironment the environment the healthcheck runs in (the service's, translated)
   */
  StackService(
      String name,
      ChildService process,
      Runnable afterStart,
      Healthcheck healthcheck,
      Map<String, String> probeEnvironment,
      LocalTranslation translation) {
    this.name = name;
    this.process = process;
    this.afterStart = afterStart;
    this.healthcheck = healthcheck;
    this.probe =
        healthcheck == null
            ? null
            : translation.command(name, healthcheck.command(), probeEnvironment);
    this.probeEnvironment = probeEnvironment;
    this.workingDirectory = translation.workingDirectory(name);
  }

  String name() {
    return name;
  }

  ChildService process() {
    return process;
  }

  /** Null if the service has no healthcheck. */
  Healthcheck healthcheck() {
    return healthcheck;
  }

  void start() {
    process.start();
    afterStart.run();
  }

  /** Runs the healthcheck once. */
  boolean healthy() {
    ProcessBuilder check =
        new ProcessBuilder(probe)
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    check.environment().clear();
    check.environment().putAll(probeEnvironment);
    try {
      Process p = check.start();
      if (!p.waitFor(healthcheck.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
