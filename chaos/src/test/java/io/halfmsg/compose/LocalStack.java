package io.halfmsg.compose;

import static org.awaitility.Awaitility.await;

import io.halfmsg.process.OutputDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * {@code docker compose up} without Docker: every service of the compose file as local processes
 * ({@link BuiltImage}, {@link MySqlStandIn}, {@link RocketMqStandIn}, translated by {@link
 * LocalTranslation}), each started once the conditions of its {@code depends_on} hold, as Compose
 * starts them; then every service healthy, or, if another waits for it to complete, exited with 0.
 * A service that does not get there fails the start with its name, its healthcheck and the end of
 * its log.
 *
 * <p>Health is polled every second rather than every healthcheck interval, so that the test does
 * not wait longer than it must; the deadline is Docker's: the start period, then the retries one
 * interval apart.
 */
final class LocalStack implements AutoCloseable {

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration ONE_SHOT = Duration.ofMinutes(2);
  private static final int LOG_LINES = 40;

  private final ComposeFile compose;
  private final LocalTranslation translation;
  private final Map<String, StackService> services = new LinkedHashMap<>();
  private final Set<String> healthy = new HashSet<>();
  private final List<StackService> started = new ArrayList<>();

  private LocalStack(ComposeFile compose, LocalTranslation translation) {
    this.compose = compose;
    this.translation = translation;
  }

  /** Starts the file's stack with its files under {@code outputDir} (emptied first). */
  static LocalStack up(Path composeFile, Path outputDir) {
    OutputDirectory.empty(outputDir);
    ComposeFile compose = ComposeFile.read(composeFile);
    Map<String, Dockerfile> dockerfiles = new LinkedHashMap<>();
    for (ComposeFile.Service s : compose.services()) {
      if (s.build() != null) {
        dockerfiles.put(s.name(), Dockerfile.read(s.build().dockerfile()));
      }
    }
    LocalStack stack =
        new LocalStack(compose, new LocalTranslation(compose, dockerfiles, outputDir));
    try {
      for (ComposeFile.Service s : compose.services()) {
        stack.services.put(s.name(), stack.standIn(s, dockerfiles.get(s.name())));
      }
      stack.start();
      return stack;
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
  }

  ComposeFile compose() {
    return compose;
  }

  /** The base URL a client on the host uses for the service's first published port. */
  String url(String service) {
    ComposeFile.Port port =
        compose.service(service).ports().stream()
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException(service + " publishes no port"));
    return "http://" + LocalTranslation.LOOPBACK + ":" + translation.port(service, port.target());
  }

  /** Where a service's log and files are. */
  Path directory(String service) {
    return translation.directory(service);
  }

  private StackService standIn(ComposeFile.Service s, Dockerfile dockerfile) {
    if (dockerfile != null) {
      return BuiltImage.service(s, dockerfile, translation);
    }
    if (s.image().startsWith("mysql:")) {
      return MySqlStandIn.service(s, translation);
    }
    if (s.image().startsWith("apache/rocketmq:")) {
      return RocketMqStandIn.service(s, translation);
    }
    throw new IllegalArgumentException(s.name() + ": no stand-in for the image " + s.image());
  }

  private void start() {
    for (String name : startOrder()) {
      compose
          .service(name)
          .dependsOn()
          .forEach((dependency, condition) -> awaitCondition(dependency, condition, name));
      StackService service = services.get(name);
      started.add(service);
      service.start();
    }
    Set<String> oneShots = new HashSet<>();
    compose.services().stream()
        .flatMap(s -> s.dependsOn().entrySet().stream())
        .filter(d -> d.getValue().equals("service_completed_successfully"))
        .forEach(d -> oneShots.add(d.getKey()));
    for (String name : services.keySet()) {
      awaitCondition(
          name,
          oneShots.contains(name) ? "service_completed_successfully" : "service_healthy",
          null);
    }
  }

  /** Dependencies before their dependents, otherwise in the file's order. */
  private List<String> startOrder() {
    List<String> order = new ArrayList<>();
    for (String name : services.keySet()) {
      visit(name, order, new ArrayList<>());
    }
    return order;
  }

  private void visit(String name, List<String> order, List<String> path) {
    if (order.contains(name)) {
      return;
    }
    if (path.contains(name)) {
      throw new IllegalArgumentException("depends_on has a cycle: " + path + " → " + name);
    }
    if (!services.containsKey(name)) {
      throw new IllegalArgumentException(
          path.get(path.size() - 1) + " depends on " + name + ", which is no service");
    }
    path.add(name);
    compose.service(name).dependsOn().keySet().forEach(d -> visit(d, order, path));
    path.remove(name);
    order.add(name);
  }

  /**
   * @param dependent the service that waits, or null for the final check
   */
  private void awaitCondition(String name, String condition, String dependent) {
    StackService service = services.get(name);
    String waiting = dependent == null ? "" : " (" + dependent + " waits for it)";
    switch (condition) {
      case "service_started" -> {}
      case "service_completed_successfully" -> {
        int code;
        try {
          code = service.process().awaitExit(ONE_SHOT);
        } catch (IllegalStateException e) {
          throw failure(service, "did not complete within " + ONE_SHOT + waiting);
        }
        if (code != 0) {
          throw failure(service, "exited with " + code + waiting);
        }
      }
      default -> awaitHealthy(service, waiting);
    }
  }

  private void awaitHealthy(StackService service, String waiting) {
    if (healthy.contains(service.name())) {
      return;
    }
    Healthcheck check = service.healthcheck();
    if (check == null) {
      throw failure(service, "has no healthcheck, so nothing can tell when it serves" + waiting);
    }
    try {
      await(service.name() + " healthy")
          .atMost(check.deadline())
          .pollInterval(POLL)
          .failFast(service.name() + " exited", () -> !service.process().isAlive())
          .until(service::healthy);
    } catch (ConditionTimeoutException e) {
      throw failure(
          service,
          "is not healthy after "
              + check.deadline()
              + waiting
              + "; healthcheck "
              + check.command());
    } catch (TerminalFailureException e) {
      throw failure(service, "exited before it was healthy" + waiting);
    }
    healthy.add(service.name());
  }

  private AssertionError failure(StackService service, String what) {
    return new AssertionError(
        service.name()
            + " "
            + what
            + ". Its log, "
            + service.process().log()
            + ", ends:\n"
            + service.process().logTail(LOG_LINES));
  }

  @Override
  public void close() {
    // Clients before servers, so that the logs end with fewer connection errors.
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }
}
