package io.halfmsg.chaos;

import static io.halfmsg.process.FreePorts.freePort;

import io.halfmsg.process.ChildService;
import io.halfmsg.process.FreePorts;
import io.halfmsg.process.OwnDatabase;
import io.halfmsg.rocketmq.embedded.RocketMqMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The deployment under test, every part in a process of its own, started the way operators start
 * them: a MariaDB server of the run's own ({@link OwnDatabase}) holding the three databases,
 * RocketMQ ({@link RocketMqMain}, its store kept across restarts), two halfmsg broker instances
 * from the broker's executable jar on one database, and order-service and repo-service from
 * demo-order-repo's executable jar, with the fault hooks the run needs switched on.
 *
 * <p>Every port is fixed at start, so a restarted process comes back where its clients look for it.
 * Timings are shortened so that a bounded run ends in minutes; each is a documented property.
 */
final class ChaosStack implements AutoCloseable {

  static final String TOPIC = "repo_deduction";
  static final String CONSUMER_GROUP = "repo-service";

  /** repo-service halts after applying orders whose number starts with this, before the ack. */
  static final String CONSUMER_CRASH_PREFIX = "cc-";

  /**
   * The products ordered, each its own sharding key: order-service sends every deduction with its
   * product as key, so repo-service must apply each product's deductions in prepare order.
   */
  static final List<String> PRODUCTS =
      IntStream.range(0, 200).mapToObj(i -> String.format("sku-%03d", i)).toList();

  static final String BROKER_DB = "chaos_broker";
  static final String ORDER_DB = "chaos_order";
  static final String REPO_DB = "chaos_repo";

  private static final Duration JVM_START = Duration.ofMinutes(3);

  final String producerToken = "chaos-producer-" + UUID.randomUUID();
  final String consumerToken = "chaos-consumer-" + UUID.randomUUID();
  final String adminToken = "chaos-admin-" + UUID.randomUUID();
  final String checkBackSecret = "chaos-secret-" + UUID.randomUUID();

  final OwnDatabase db;
  final ChildService rocketMq;
  final ChildService brokerA;
  final ChildService brokerB;
  final ChildService orderService;
  final ChildService repoService;
  final String orderServiceUrl;
  final List<String> brokerUrls;
  private final List<ChildService> all = new ArrayList<>();

  private ChaosStack(ChaosSettings s) throws SQLException {
    Path out = s.outputDir();
    db =
        OwnDatabase.install(
            out.resolve("mariadb"),
            freePort(),
            List.of(
                "--innodb-buffer-pool-size=256M",
                // Durable commits, as a payment system runs them: a kill -9 of the server loses
                // nothing that was acknowledged.
                "--innodb-flush-log-at-trx-commit=1",
                "--max-connections=400",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_bin"));
    all.add(db.server());
    db.server().startAndAwaitReady(Duration.ofMinutes(1));
    db.createDatabases(BROKER_DB, ORDER_DB, REPO_DB);

    int namesrvPort = freePort();
    String namesrv = "127.0.0.1:" + namesrvPort;
    rocketMq = rocketMq(s, namesrvPort, FreePorts.rocketMqBrokerPort());
    int portA = freePort();
    int portB = freePort();
    brokerUrls = List.of("http://127.0.0.1:" + portA, "http://127.0.0.1:" + portB);
    brokerA = broker(s, "broker-a", portA, namesrv);
    brokerB = broker(s, "broker-b", portB, namesrv);
    int orderPort = freePort();
    orderServiceUrl = "http://127.0.0.1:" + orderPort;
    orderService = orderService(s, orderPort);
    repoService = repoService(s, freePort(), namesrv);

    // RocketMQ and the first broker (which migrates the schema) first; the rest side by side.
    rocketMq.start();
    brokerA.start();
    rocketMq.awaitReady(JVM_START);
    brokerA.awaitReady(JVM_START);
    brokerB.start();
    repoService.start();
    orderService.start();
    brokerB.awaitReady(JVM_START);
    repoService.awaitReady(JVM_START);
    orderService.awaitReady(JVM_START);
  }

  static ChaosStack start(ChaosSettings s) throws SQLException {
    return new ChaosStack(s);
  }

  /** Every process, in start order. */
  List<ChildService> services() {
    return List.copyOf(all);
  }

  private ChildService rocketMq(ChaosSettings s, int namesrvPort, int brokerPort) {
    Path store = s.outputDir().resolve("rocketmq-store");
    try {
      Files.createDirectories(store);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = java(s, "512m");
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            RocketMqMain.class.getName(),
            Integer.toString(namesrvPort),
            "--broker-port=" + brokerPort,
            "--data-dir=" + store,
            TOPIC));
    Path log = s.outputDir().resolve("rocketmq.log");
    ChildService[] self = new ChildService[1];
    self[0] =
        new ChildService(
            "rocketmq",
            command,
            log,
            // One READY line per life: the current life has printed its own.
            () -> countLines(log, RocketMqMain.READY) >= self[0].starts());
    all.add(self[0]);
    return self[0];
  }

  private ChildService broker(ChaosSettings s, String name, int port, String namesrv) {
    List<String> command = java(s, "384m");
    command.addAll(
        List.of(
            "-jar",
            s.brokerJar().toString(),
            "--server.port=" + port,
            "--spring.datasource.url=" + db.url(BROKER_DB),
            "--halfmsg.rocketmq.namesrv-addr=" + namesrv,
            // Shortened so that a bounded run quiesces in a minute, not in hours.
            "--halfmsg.check-back.first-check-after=2s",
            "--halfmsg.check-back.backoff=1s,2s,4s,8s,15s",
            "--halfmsg.check-back.request-timeout=2s",
            "--halfmsg.delivery.max-backoff=10s"));
    Map<String, String> env = database();
    env.put("HALFMSG_AUTH_PRODUCER_TOKENS", producerToken);
    env.put("HALFMSG_AUTH_CONSUMER_TOKENS", consumerToken);
    env.put("HALFMSG_AUTH_ADMIN_TOKENS", adminToken);
    env.put("HALFMSG_CHECK_BACK_DEFAULT_SECRET", checkBackSecret);
    return service(s, name, command, env, "http://127.0.0.1:" + port);
  }

  private ChildService orderService(ChaosSettings s, int port) {
    List<String> command = java(s, "256m");
    command.addAll(
        List.of(
            "-jar",
            s.demoJar().toString(),
            "--server.port=" + port,
            "--spring.datasource.url=" + db.url(ORDER_DB),
            "--halfmsg.producer.broker-urls=" + String.join(",", brokerUrls),
            "--halfmsg.producer.check-back.host=127.0.0.1",
            "--demo.order.products=" + String.join(",", PRODUCTS),
            "--demo.order.sharding-key=product",
            "--demo.order.allow-lost-commits=true",
            "--demo.order.allow-crashes=true"));
    Map<String, String> env = database();
    env.put("HALFMSG_PRODUCER_TOKEN", producerToken);
    env.put("HALFMSG_CHECK_BACK_SECRET", checkBackSecret);
    return service(s, "order-service", command, env, "http://127.0.0.1:" + port);
  }

  private ChildService repoService(ChaosSettings s, int port, String namesrv) {
    List<String> command = java(s, "256m");
    command.addAll(
        List.of(
            "-Dloader.main=io.halfmsg.demo.repo.RepoServiceApplication",
            "-jar",
            s.demoJar().toString(),
            "--server.port=" + port,
            "--spring.datasource.url=" + db.url(REPO_DB),
            "--halfmsg.consumer.broker-urls=" + String.join(",", brokerUrls),
            "--halfmsg.consumer.namesrv-addr=" + namesrv,
            "--halfmsg.consumer.ack-timeout=5s",
            "--demo.repo.crash-after-commit-prefix=" + CONSUMER_CRASH_PREFIX));
    Map<String, String> env = database();
    env.put("HALFMSG_CONSUMER_TOKEN", consumerToken);
    return service(s, "repo-service", command, env, "http://127.0.0.1:" + port);
  }

  /** The database account, through the environment as Spring Boot reads it. */
  private Map<String, String> database() {
    Map<String, String> env = new HashMap<>();
    env.put("SPRING_DATASOURCE_USERNAME", OwnDatabase.USER);
    env.put("SPRING_DATASOURCE_PASSWORD", db.password());
    return env;
  }

  /** Every secret of the run: no log and no API answer may contain one. */
  List<String> secrets() {
    return List.of(producerToken, consumerToken, adminToken, checkBackSecret, db.password());
  }

  private ChildService service(
      ChaosSettings s, String name, List<String> command, Map<String, String> env, String url) {
    ChildService service =
        new ChildService(name, command, env, s.outputDir().resolve(name + ".log"), () -> isUp(url));
    all.add(service);
    return service;
  }

  private static List<String> java(ChaosSettings s, String xmx) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + xmx);
    command.add("-Dhalfmsg.chaos.child=true");
    // Five JVMs start on two cores, again after every kill: C1 only and the serial collector
    // start them in about half the time. The run tests outcomes, not speed.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    return command;
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();

  /** A GET with a bearer token; the body whatever the status. */
  static String get(String url, String token) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static boolean isUp(String url) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url + "/actuator/health"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().contains("\"UP\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static long countLines(Path log, String prefix) {
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.startsWith(prefix)).count();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    // Clients before servers, so that the logs end with fewer connection errors.
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).close();
    }
  }
}
