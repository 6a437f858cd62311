package io.halfmsg.demo.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.demo.order.OrderServiceApplication;
import io.halfmsg.demo.repo.RepoServiceApplication;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo scenario end to end: the real broker in-process on its own database, an embedded
 * RocketMQ, and order-service and repo-service started in-process on random ports, each on its own
 * database.
 */
class ScenarioRunnerTest {

  private static final String SECRET = "demo-scenario-secret";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static TestDatabase orderDb = new TestDatabase();
  @RegisterExtension static TestDatabase repoDb = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  private static final List<ConfigurableApplicationContext> started = new ArrayList<>();
  private static ConfigurableApplicationContext broker;
  private static ConfigurableApplicationContext orderService;
  private static ConfigurableApplicationContext repoService;

  @BeforeAll
  static void start() {
    mq.createTopic("repo_deduction");
    Map<String, Object> brokerProps = new LinkedHashMap<>();
    brokerProps.put("halfmsg.rocketmq.namesrv-addr", mq.namesrvAddr());
    brokerProps.put("halfmsg.check-back.default-secret", SECRET);
    brokerProps.put("halfmsg.check-back.first-check-after", "300ms");
    brokerProps.put("halfmsg.check-back.poll-interval", "100ms");
    brokerProps.put("halfmsg.check-back.backoff", "300ms");
    brokerProps.put("halfmsg.delivery.poll-interval", "100ms");
    brokerProps.put("logging.level.io.halfmsg.broker", "WARN");
    broker = started(BrokerInstances.start(brokerDb, brokerProps));

    repoService =
        started(
            RepoServiceApplication.run(
                withDatabase(
                    repoDb,
                    "--halfmsg.consumer.broker-urls=" + brokerUrl(),
                    "--halfmsg.consumer.token=" + BrokerClient.CONSUMER_TOKEN,
                    "--halfmsg.consumer.namesrv-addr=" + mq.namesrvAddr(),
                    // Slow acks: the broker redelivers before repo-service's ack arrives, so the
                    // dedupe table has duplicates to absorb and the stock must not move twice.
                    "--halfmsg.consumer.ack-timeout=500ms",
                    "--halfmsg.consumer.ack.max-delay=2s")));
    orderService =
        started(
            OrderServiceApplication.run(
                withDatabase(
                    orderDb,
                    "--halfmsg.producer.broker-urls=" + brokerUrl(),
                    "--halfmsg.producer.token=" + BrokerClient.PRODUCER_TOKEN,
                    "--halfmsg.producer.check-back.secret=" + SECRET,
                    "--demo.order.allow-lost-commits=true")));
  }

  @AfterAll
  static void stop() {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @Test
  void ordersAndStockAgreeAfterRollbacksAndALostCommit() {
    ScenarioRunner runner =
        new ScenarioRunner(
            new ScenarioRunner.Endpoints(
                url(orderService), url(repoService), brokerUrl(), BrokerClient.ADMIN_TOKEN),
            Duration.ofSeconds(30));

    Summary summary = runner.run(20, 2);
    System.out.print(summary.report());

    assertThat(summary.problems()).isEmpty();
    assertThat(summary.consistent()).isTrue();
    assertThat(summary.placed()).isEqualTo(20);
    assertThat(summary.rolledBack())
        .as("unknown products and quantities over the limit")
        .isEqualTo(8);
    assertThat(summary.committed()).isEqualTo(12);
    assertThat(summary.lostCommits()).isEqualTo(2);
    assertThat(summary.deducted()).isEqualTo(summary.ordered()).isNotEmpty();
    assertThat(summary.duplicatesAbsorbed()).as("redeliveries before the slow acks").isPositive();
    assertThat(checkBackResolved())
        .as("messages of order-service the broker resolved by check-back")
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void aRefusedOrderAnswersProblemJsonAfterItsMessageWasPreparedAndRolledBack() throws Exception {
    HttpResponse<String> r =
        post(
            url(orderService) + "/orders",
            "{\"orderNo\":\"refused-1\",\"product\":\"mouse\",\"quantity\":6}");

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = JSON.readTree(r.body());
    assertThat(problem.path("type").asText()).endsWith("/quantity-over-limit");
    String messageId = problem.path("messageId").asText();
    BrokerClient admin = BrokerInstances.client(broker, BrokerClient.ADMIN_TOKEN);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> admin.get("/api/v1/messages/" + messageId).json().path("state").asText(),
            "ROLLED_BACK"::equals);
    assertThat(get(url(orderService) + "/orders/refused-1").statusCode()).isEqualTo(404);
  }

  @Test
  void invalidInputIsRefusedBeforeAnyMessageIsPrepared() throws Exception {
    HttpResponse<String> r =
        post(url(orderService) + "/orders", "{\"product\":\"mouse\",\"quantity\":0}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(get(url(repoService) + "/stock/unicorn").statusCode()).isEqualTo(404);
    assertThat(
            JSON.readTree(get(url(repoService) + "/stock/mouse").body()).path("product").asText())
        .isEqualTo("mouse");
  }

  private static HttpResponse<String> post(String url, String json) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Counted from the broker's admin API, independently of the runner. */
  private static long checkBackResolved() {
    BrokerClient admin = BrokerInstances.client(broker, BrokerClient.ADMIN_TOKEN);
    JsonNode page = admin.get("/api/v1/messages?producerGroup=order-service&limit=100").json();
    long n = 0;
    for (JsonNode m : page.path("items")) {
      JsonNode detail = admin.get("/api/v1/messages/" + m.path("messageId").asText()).json();
      if ("CHECK_BACK".equals(detail.path("resolvedBy").asText())) {
        n++;
      }
    }
    return n;
  }

  /**
   * {@code args} and the settings every demo service of these tests needs: its database, any port.
   */
  static String[] withDatabase(TestDatabase db, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--spring.datasource.url=" + db.jdbcUrl());
    all.add("--spring.datasource.username=" + db.user());
    all.add("--spring.datasource.password=" + db.password());
    all.add("--server.port=0");
    // The broker's jar on this test class path brings MyBatis, which the demo services do not use.
    all.add(
        "--spring.autoconfigure.exclude=org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration");
    return all.toArray(String[]::new);
  }

  private static ConfigurableApplicationContext started(ConfigurableApplicationContext context) {
    started.add(context);
    return context;
  }

  private static String brokerUrl() {
    return url(broker);
  }

  private static String url(ConfigurableApplicationContext context) {
    return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
  }
}
