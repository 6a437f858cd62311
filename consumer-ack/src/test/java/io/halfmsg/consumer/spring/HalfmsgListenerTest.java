package io.halfmsg.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.consumer.TestStack;
import io.halfmsg.consumer.spring.stockapp.StockApplication;
import io.halfmsg.consumer.spring.stockapp.StockListener;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Spring Boot path: a small application with {@code @HalfmsgListener} methods writing through
 * {@code JdbcTemplate}, against the real broker and an embedded RocketMQ.
 */
class HalfmsgListenerTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static TestDatabase appDb = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  static TestStack stack;
  static ConfigurableApplicationContext app;
  static String topic;
  static String auditTopic;
  static String group;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(brokerDb, mq.instance());
    topic = stack.newTopic("stock");
    auditTopic = stack.newTopic("audit");
    group = "repo_service_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection c = appDb.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE stock_deduction (message_id VARCHAR(64) PRIMARY KEY,"
              + " product VARCHAR(64) NOT NULL, amount INT NOT NULL)");
      s.execute("CREATE TABLE audit_line (line VARCHAR(200) NOT NULL)");
    }
    List<String> args = new ArrayList<>(baseArguments());
    args.add("--halfmsg.consumer.broker-urls=" + stack.brokerUrl());
    app = run(args);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theListenerWritesInTheTransactionOfTheDedupeRowAndTheMessageIsAcked() {
    String id = stack.send(topic, "deduct", "{\"product\":\"sku-1\",\"count\":3}");

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(listener().calls(id)).isEqualTo(1);
    assertThat(
            jdbc()
                .queryForObject(
                    "SELECT amount FROM stock_deduction WHERE message_id = ?", Integer.class, id))
        .isEqualTo(3);
    assertThat(dedupeRows(id)).isEqualTo(1);
    MeterRegistry meters = app.getBean(MeterRegistry.class);
    assertThat(meters.get("halfmsg.consumer.messages").tags("group", group, "outcome", "handled"))
        .satisfies(m -> assertThat(m.functionCounter().count()).isGreaterThanOrEqualTo(1));
    waiting()
        .until(
            () ->
                meters
                        .get("halfmsg.consumer.acks")
                        .tags("group", group, "outcome", "sent")
                        .functionCounter()
                        .count()
                    >= 1);
    assertThat(meters.get("halfmsg.consumer.acks.pending").tag("group", group).gauge().value())
        .isNotNegative();
  }

  @Test
  void theHealthIndicatorIsUpOnceTheGroupConsumes() {
    HealthIndicator health = app.getBean("halfmsgConsumerHealthIndicator", HealthIndicator.class);

    Health h = health.health();
    assertThat(h.getStatus()).isEqualTo(Status.UP);
    assertThat(h.getDetails()).containsEntry(group, "consuming");
  }

  @Test
  void aListenerExceptionRollsBackTheApplicationsOwnWriteAndTheDedupeRow() {
    String id = stack.send(topic, "deduct", "{\"product\":\"sku-2\",\"count\":-1}");

    // max-attempts=2: the first delivery and one redelivery, both rolled back, then DEAD.
    waiting().until(() -> "DEAD".equals(stack.deliveryState(id, group)));
    assertThat(listener().calls(id)).isEqualTo(2);
    assertThat(
            jdbc()
                .queryForObject(
                    "SELECT COUNT(*) FROM stock_deduction WHERE message_id = ?", Integer.class, id))
        .isZero();
    assertThat(dedupeRows(id)).isZero();
  }

  @Test
  void listenersOfOneGroupShareOneSubscriptionAndStringPayloadsPassThrough() {
    String id = stack.send(auditTopic, null, "order 42 placed");

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(jdbc().queryForList("SELECT line FROM audit_line", String.class))
        .contains("order 42 placed");
    JsonNode subscriptions =
        new BrokerClient(port(), BrokerClient.ADMIN_TOKEN).get("/api/v1/subscriptions").json();
    List<String> topics = new ArrayList<>();
    subscriptions.forEach(
        s -> {
          if (group.equals(s.path("consumerGroup").asText())) {
            topics.add(s.path("topic").asText());
          }
        });
    assertThat(topics).containsExactlyInAnyOrder(topic, auditTopic);
  }

  @Test
  void startUpFailsClearlyWithoutBrokerUrls() {
    assertThatThrownBy(() -> run(baseArguments()).close())
        .hasStackTraceContaining("halfmsg.consumer.broker-urls is required");
  }

  private static List<String> baseArguments() {
    return List.of(
        // Not application.yml: the broker's, on this class path, is none of this app's business.
        "--spring.config.name=stockapp",
        "--spring.datasource.url=" + appDb.jdbcUrl(),
        "--spring.datasource.username=" + appDb.user(),
        "--spring.datasource.password=" + appDb.password(),
        "--spring.flyway.enabled=false",
        "--halfmsg.consumer.token=" + BrokerClient.CONSUMER_TOKEN,
        // halfmsg.consumer.namesrv-addr falls back to the broker's property name.
        "--halfmsg.rocketmq.namesrv-addr=" + stack.namesrvAddr(),
        "--halfmsg.consumer.ack-timeout=1s",
        "--halfmsg.consumer.max-attempts=2",
        "--halfmsg.consumer.auto-create-dedupe-table=true",
        "--stock.topic=" + topic,
        "--stock.audit-topic=" + auditTopic,
        "--stock.group=" + group);
  }

  private static ConfigurableApplicationContext run(List<String> args) {
    return new SpringApplicationBuilder(StockApplication.class)
        .web(WebApplicationType.NONE)
        .run(args.toArray(String[]::new));
  }

  private static int port() {
    return Integer.parseInt(stack.brokerUrl().substring(stack.brokerUrl().lastIndexOf(':') + 1));
  }

  private static StockListener listener() {
    return app.getBean(StockListener.class);
  }

  private static JdbcTemplate jdbc() {
    return app.getBean(JdbcTemplate.class);
  }

  private static int dedupeRows(String id) {
    return jdbc()
        .queryForObject(
            "SELECT COUNT(*) FROM halfmsg_consumed WHERE consumer_group = ? AND message_id = ?",
            Integer.class,
            group,
            id);
  }

  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));
  }
}
