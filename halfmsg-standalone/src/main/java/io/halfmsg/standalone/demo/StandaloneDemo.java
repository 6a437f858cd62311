package io.halfmsg.standalone.demo;

import io.halfmsg.demo.order.OrderServiceApplication;
import io.halfmsg.demo.repo.RepoServiceApplication;
import io.halfmsg.demo.scenario.ScenarioRunner;
import io.halfmsg.demo.scenario.Summary;
import io.halfmsg.standalone.StandaloneOptions;
import io.halfmsg.standalone.StandaloneStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole demo of seed 002 §2.6 in this JVM: the {@link StandaloneStack} (broker on H2, embedded
 * RocketMQ), repo-service and order-service, each on its own in-memory H2 database in MySQL mode.
 * Nothing outside the JVM is needed or touched.
 *
 * <pre>{@code
 * try (StandaloneDemo demo = StandaloneDemo.start(DemoPorts.FREE, false)) {
 *   Summary summary = demo.runScenario(20, 2, Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class StandaloneDemo implements AutoCloseable {

  /** The topic order-service sends its stock deductions to. */
  static final String TOPIC = "repo_deduction";

  /** repo-service's consumer group (its spring.application.name). */
  static final String REPO_SERVICE_GROUP = "repo-service";

  /**
   * The check-back timing of the demo's broker: the lost commits are resolved within seconds, not
   * after the production default's first check.
   */
  static final String FIRST_CHECK_AFTER = "2s";

  private final StandaloneStack stack;
  private final List<ConfigurableApplicationContext> services;
  private final String orderServiceUrl;
  private final String repoServiceUrl;

  private StandaloneDemo(
      StandaloneStack stack,
      List<ConfigurableApplicationContext> services,
      String orderServiceUrl,
      String repoServiceUrl) {
    this.stack = stack;
    this.services = services;
    this.orderServiceUrl = orderServiceUrl;
    this.repoServiceUrl = repoServiceUrl;
  }

  /**
   * Starts the stack, then repo-service, then order-service; returns once all accept requests.
   *
   * @param verbose keep the applications' INFO logs; otherwise only warnings and errors
   */
  public static StandaloneDemo start(DemoPorts ports, boolean verbose) {
    String logLevel = verbose ? "INFO" : "WARN";
    StandaloneStack stack =
        StandaloneStack.start(
            StandaloneOptions.ephemeral()
                .withBrokerPort(ports.broker())
                .withNamesrvPort(ports.namesrv())
                .withRocketMqBrokerPort(ports.rocketMqBroker())
                .withProperty("halfmsg.check-back.first-check-after", FIRST_CHECK_AFTER)
                .withProperty("halfmsg.check-back.backoff", "1s")
                .withProperty("halfmsg.check-back.poll-interval", "200ms")
                .withProperty("halfmsg.delivery.poll-interval", "200ms")
                .withProperty("spring.main.banner-mode", "off")
                .withProperty("logging.level.root", logLevel));
    List<ConfigurableApplicationContext> services = new ArrayList<>();
    try {
      // Consumers see a topic's route at once only if it exists before they subscribe; the retry
      // topic carries the broker's redeliveries to repo-service's group.
      stack.createTopic(TOPIC);
      stack.createTopic("%RETRY%" + REPO_SERVICE_GROUP);
      ConfigurableApplicationContext repo =
          RepoServiceApplication.run(
              common(ports.repoService(), "repo-service", logLevel)
                  .with("halfmsg.consumer.broker-urls", stack.brokerUrl())
                  .with("halfmsg.consumer.token", stack.consumerToken())
                  .with("halfmsg.consumer.namesrv-addr", stack.namesrvAddr())
                  // Acks held back past the ack timeout: the broker redelivers some messages before
                  // their ack arrives, so the summary shows the dedupe table absorbing duplicates.
                  .with("halfmsg.consumer.ack-timeout", "500ms")
                  .with("halfmsg.consumer.ack.max-delay", "2s")
                  .args());
      services.add(repo);
      ConfigurableApplicationContext order =
          OrderServiceApplication.run(
              common(ports.orderService(), "order-service", logLevel)
                  .with("halfmsg.producer.broker-urls", stack.brokerUrl())
                  .with("halfmsg.producer.token", stack.producerToken())
                  .with("halfmsg.producer.check-back.secret", stack.checkBackSecret())
                  // The scenario loses some commit calls on purpose, to show check-back.
                  .with("demo.order.allow-lost-commits", "true")
                  .args());
      services.add(order);
      return new StandaloneDemo(stack, services, url(order), url(repo));
    } catch (RuntimeException | Error e) {
      closeAll(services, stack, e);
      throw e;
    }
  }

  /** What both services get: an H2 database of their own, quiet logs, the port. */
  private static Args common(int port, String database, String logLevel) {
    return new Args()
        .with(
            "spring.datasource.url",
            // DATABASE_TO_LOWER: the services' unquoted lower-case names match their DDL, as on
            // MySQL. DB_CLOSE_ON_EXIT=FALSE: close() stops the services before the database goes.
            "jdbc:h2:mem:"
                + database
                + "-"
                + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1;MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE")
        .with("spring.datasource.username", "sa")
        .with("spring.datasource.password", "")
        .with("server.port", Integer.toString(port))
        .with("server.address", "127.0.0.1")
        .with("spring.main.banner-mode", "off")
        .with("logging.level.root", logLevel)
        // The broker's classes on this class path bring MyBatis, which the services do not use.
        .with(
            "spring.autoconfigure.exclude",
            "org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration");
  }

  /**
   * Places {@code orders} orders through order-service — some refused by its rules, {@code
   * lostCommits} with their commit call lost — and compares both services' data once the broker has
   * settled every message.
   */
  public Summary runScenario(int orders, int lostCommits, Duration patience) {
    return new ScenarioRunner(
            new ScenarioRunner.Endpoints(
                orderServiceUrl, repoServiceUrl, stack.brokerUrl(), stack.adminToken()),
            patience)
        .run(orders, lostCommits);
  }

  public StandaloneStack stack() {
    return stack;
  }

  public String orderServiceUrl() {
    return orderServiceUrl;
  }

  public String repoServiceUrl() {
    return repoServiceUrl;
  }

  /** Stops order-service, repo-service, then the stack. */
  @Override
  public void close() {
    closeAll(services, stack, null);
  }

  private static void closeAll(
      List<ConfigurableApplicationContext> services, StandaloneStack stack, Throwable failure) {
    List<AutoCloseable> order = new ArrayList<>();
    for (int i = services.size() - 1; i >= 0; i--) {
      order.add(services.get(i));
    }
    order.add(stack);
    RuntimeException first = null;
    for (AutoCloseable c : order) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else if (first == null) {
          first = new IllegalStateException("Stopping the demo failed", e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static String url(ConfigurableApplicationContext context) {
    return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  /** Command-line arguments for a Spring Boot application, {@code --name=value}. */
  private static final class Args {
    private final List<String> args = new ArrayList<>();

    Args with(String name, String value) {
      args.add("--" + name + "=" + value);
      return this;
    }

    String[] args() {
      return args.toArray(String[]::new);
    }
  }
}
