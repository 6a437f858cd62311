package io.halfmsg.rocketmq.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.consumer.spring.HalfmsgConsumerBuilderCustomizer;
import io.halfmsg.rocketmq.spring.sample.OrderConsumer;
import io.halfmsg.rocketmq.spring.sample.OrderCreated;
import io.halfmsg.rocketmq.spring.sample.OrderService;
import io.halfmsg.rocketmq.spring.sample.OrderTransactionListener;
import io.halfmsg.rocketmq.spring.sample.SampleApplication;
import io.halfmsg.rocketmq.spring.sample.StockConsumer;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.logging.LogCapture;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.MessageBuilder;

/**
 * rocketmq-spring's sample producer, unchanged, on halfmsg: {@code sendMessageInTransaction} goes
 * through the real broker, the {@code @RocketMQTransactionListener} decides and answers the
 * check-backs (Spring MVC route), and the committed event reaches a plain
 * {@code @RocketMQMessageListener} through RocketMQ, and to an opted-in one through halfmsg's
 * acked, deduplicated path. Headers named as RocketMQ's delay and sharding key properties delay and
 * order the transactional messages.
 */
class RocketMQSpringSampleTest {

  static final String SECRET = "rocketmq-spring-test-secret";
  static final String STOCK_GROUP = "stock-acked-consumer";

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static TestDatabase appDb = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  static ConfigurableApplicationContext broker;
  static ConfigurableApplicationContext app;
  static BrokerClient admin;
  static String topic;
  static List<ILoggingEvent> startupWarnings;
  static final AtomicInteger customized = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    Map<String, Object> brokerProps = new LinkedHashMap<>();
    brokerProps.put("halfmsg.rocketmq.namesrv-addr", mq.instance().namesrvAddr());
    brokerProps.put("halfmsg.check-back.default-secret", SECRET);
    brokerProps.put("halfmsg.check-back.first-check-after", "500ms");
    brokerProps.put("halfmsg.check-back.poll-interval", "100ms");
    brokerProps.put("halfmsg.check-back.backoff", "300ms");
    brokerProps.put("halfmsg.delivery.poll-interval", "100ms");
    brokerProps.put("halfmsg.delivery.max-backoff", "1s");
    broker = BrokerInstances.start(brokerDb, brokerProps);
    admin = BrokerInstances.client(broker, BrokerClient.ADMIN_TOKEN);
    topic = "order_created_" + UUID.randomUUID().toString().substring(0, 8);
    mq.instance().createTopic(topic);
    try (Connection c = appDb.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE t_order (order_no VARCHAR(64) PRIMARY KEY, tx_id VARCHAR(64) NOT NULL)");
      // No unique key: a second application of a message would show as a second row.
      s.execute(
          "CREATE TABLE t_stock_reservation (order_no VARCHAR(64) NOT NULL, amount INT NOT NULL)");
    }
    try (LogCapture logs = LogCapture.start()) {
      app =
          new SpringApplicationBuilder(SampleApplication.class)
              // What an application's own customizer bean would be.
              .initializers(
                  c ->
                      c.getBeanFactory()
                          .registerSingleton(
                              "countingCustomizer",
                              (HalfmsgConsumerBuilderCustomizer) b -> customized.incrementAndGet()))
              .run(arguments(Map.of()));
      startupWarnings = logs.events().stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }
  }

  /** The sample's configuration: rocketmq-spring's as before, plus halfmsg's producer. */
  static String[] arguments(Map<String, String> extra) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("spring.config.name", "rocketmq-spring-sample");
    p.put("server.port", "0");
    p.put("spring.datasource.url", appDb.jdbcUrl());
    p.put("spring.datasource.username", appDb.user());
    p.put("spring.datasource.password", appDb.password());
    p.put("rocketmq.name-server", mq.instance().namesrvAddr());
    p.put("rocketmq.producer.group", "order-producer");
    p.put("halfmsg.producer.broker-urls", "http://127.0.0.1:" + BrokerInstances.port(broker));
    p.put("halfmsg.producer.token", BrokerClient.PRODUCER_TOKEN);
    p.put("halfmsg.producer.producer-group", "order-producer");
    p.put("halfmsg.producer.check-back.secret", SECRET);
    p.put("halfmsg.producer.check-back.host", "127.0.0.1");
    p.put("halfmsg.producer.decision-mode", "SYNC");
    // Check-backs are the listener's: no barrier table.
    p.put("halfmsg.producer.barrier.enabled", "false");
    p.put("sample.topic", topic);
    p.put("sample.ext-name-server", mq.instance().namesrvAddr());
    p.put("sample.plain-group", "order-plain-consumer");
    p.put("sample.stock-group", STOCK_GROUP);
    p.put("halfmsg.rocketmq-spring.consumers.acked-groups", STOCK_GROUP);
    p.put("halfmsg.consumer.broker-urls", "http://127.0.0.1:" + BrokerInstances.port(broker));
    p.put("halfmsg.consumer.token", BrokerClient.CONSUMER_TOKEN);
    p.put("halfmsg.consumer.ack-timeout", "1s");
    p.put("halfmsg.consumer.auto-create-dedupe-table", "true");
    p.putAll(extra);
    return p.entrySet().stream()
        .map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toArray(String[]::new);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void theTemplateIsHalfmsgsWithRocketMqsOwnProducerForPlainSends() {
    RocketMQTemplate template = app.getBean("rocketMQTemplate", RocketMQTemplate.class);
    assertThat(template).isInstanceOf(HalfmsgRocketMQTemplate.class);
    assertThat(template.getProducer().getClass().getName())
        .isEqualTo("org.apache.rocketmq.client.producer.TransactionMQProducer");
  }

  @Test
  void plainSendsOfTheTemplateStillGoStraightToRocketMq() {
    RocketMQTemplate template = app.getBean("rocketMQTemplate", RocketMQTemplate.class);
    String synced = "plain-" + UUID.randomUUID();
    String converted = "converted-" + UUID.randomUUID();

    SendResult result = template.syncSend(topic + ":created", new OrderCreated(synced, 2));
    template.convertAndSend(topic, new OrderCreated(converted, 2));

    assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
    waiting().until(() -> consumer().received(synced) == 1 && consumer().received(converted) == 1);
    // Not a halfmsg message: the broker never saw it.
    assertThat(admin.get("/api/v1/messages/" + result.getMsgId()).status()).isEqualTo(404);
  }

  @Test
  void asyncOneWayAndOrderlySendsOfTheTemplateStillGoStraightToRocketMq() throws Exception {
    RocketMQTemplate template = app.getBean("rocketMQTemplate", RocketMQTemplate.class);
    String async = "async-" + UUID.randomUUID();
    String oneWay = "one-way-" + UUID.randomUUID();
    String orderly = "orderly-" + UUID.randomUUID();
    CompletableFuture<SendResult> asyncResult = new CompletableFuture<>();

    template.asyncSend(
        topic + ":created",
        new OrderCreated(async, 2),
        new SendCallback() {
          @Override
          public void onSuccess(SendResult sendResult) {
            asyncResult.complete(sendResult);
          }

          @Override
          public void onException(Throwable e) {
            asyncResult.completeExceptionally(e);
          }
        });
    template.sendOneWay(topic + ":created", new OrderCreated(oneWay, 2));
    SendResult orderlyResult =
        template.syncSendOrderly(topic + ":created", new OrderCreated(orderly, 2), orderly);

    waiting()
        .until(
            () ->
                consumer().received(async) == 1
                    && consumer().received(oneWay) == 1
                    && consumer().received(orderly) == 1);
    assertThat(asyncResult.get(30, TimeUnit.SECONDS).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
    assertThat(orderlyResult.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
    for (String id : List.of(asyncResult.get().getMsgId(), orderlyResult.getMsgId())) {
      assertThat(admin.get("/api/v1/messages/" + id).status()).isEqualTo(404);
    }
  }

  @Test
  void anExtTemplatesTransactionsStayOnRocketMqAndAreNamedInOneWarningAtStartUp() {
    RocketMQTemplate ext = app.getBean("extRocketMQTemplate", RocketMQTemplate.class);
    String orderNo = "ext-" + UUID.randomUUID();

    TransactionSendResult result =
        ext.sendMessageInTransaction(
            topic + ":created",
            MessageBuilder.withPayload(new OrderCreated(orderNo, 1)).build(),
            null);

    assertThat(result.getLocalTransactionState()).isEqualTo(LocalTransactionState.COMMIT_MESSAGE);
    waiting().until(() -> consumer().received(orderNo) == 1);
    assertThat(admin.get("/api/v1/messages/" + result.getMsgId()).status()).isEqualTo(404);
    // One warning, naming the template and its listener; none for the template without one.
    assertThat(startupWarnings)
        .filteredOn(e -> e.getFormattedMessage().contains("@ExtRocketMQTemplateConfiguration"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .contains(
                        "'extRocketMQTemplate'", "'extTransactionListener'", "rocketMQTemplate"));
    assertThat(startupWarnings)
        .noneMatch(e -> e.getFormattedMessage().contains("auditRocketMQTemplate"));
  }

  @Test
  void aCommittedLocalTransactionIsDeliveredOnceThroughHalfmsg() {
    String orderNo = "commit-" + UUID.randomUUID();

    TransactionSendResult result = orders().placeOrder(orderNo, 3, "COMMIT");

    assertThat(result.getLocalTransactionState()).isEqualTo(LocalTransactionState.COMMIT_MESSAGE);
    String id = result.getMsgId();
    // The listener saw the halfmsg message id as its transaction id, as RocketMQ gives its own.
    assertThat(
            jdbc()
                .queryForObject(
                    "SELECT tx_id FROM t_order WHERE order_no = ?", String.class, orderNo))
        .isEqualTo(id);
    waiting().until(() -> consumer().received(orderNo) == 1);
    assertThat(state(id)).isIn("COMMITTED", "FORWARDED");
    // The opted-in consumer: applied once in its transaction with the dedupe row, then acked.
    waiting().until(() -> "ACKED".equals(deliveryState(id, STOCK_GROUP)));
    assertThat(reservations(orderNo)).isEqualTo(1);
    assertThat(stock().calls(orderNo)).isEqualTo(1);
    assertThat(
            jdbc()
                .queryForObject(
                    "SELECT COUNT(*) FROM halfmsg_consumed WHERE consumer_group = ? AND message_id = ?",
                    Integer.class,
                    STOCK_GROUP,
                    id))
        .isEqualTo(1);
  }

  @Test
  void theOptedInGroupIsBuiltWithTheApplicationsConsumerCustomizers() {
    // One acked group, one consumer built: as consumer-ack builds its @HalfmsgListener consumers.
    assertThat(customized).hasValue(1);
  }

  @Test
  void anOptedInConsumerWhoseOnMessageFailsIsRolledBackRedeliveredAndAppliedOnce() {
    String orderNo = "flaky-" + UUID.randomUUID();

    String id = orders().placeOrder(orderNo, 13, "COMMIT").getMsgId();

    waiting().until(() -> "ACKED".equals(deliveryState(id, STOCK_GROUP)));
    assertThat(stock().calls(orderNo)).isEqualTo(2);
    // The first call's insert went with its rolled-back transaction.
    assertThat(reservations(orderNo)).isEqualTo(1);
  }

  @Test
  void aRolledBackMessageNeverReachesTheOptedInConsumer() {
    String orderNo = "rollback-acked-" + UUID.randomUUID();
    String marker = "marker-acked-" + UUID.randomUUID();

    String id = orders().placeOrder(orderNo, 1, "ROLLBACK").getMsgId();
    String markerId = orders().placeOrder(marker, 1, "COMMIT").getMsgId();

    waiting().until(() -> "ROLLED_BACK".equals(state(id)));
    waiting().until(() -> "ACKED".equals(deliveryState(markerId, STOCK_GROUP)));
    assertThat(stock().calls(orderNo)).isZero();
    assertThat(reservations(orderNo)).isZero();
    assertThat(admin.get("/api/v1/messages/" + id).json().path("topic").asText()).isEqualTo(topic);
  }

  @Test
  void aRolledBackLocalTransactionIsNeverDelivered() {
    String orderNo = "rollback-" + UUID.randomUUID();
    String marker = "marker-" + UUID.randomUUID();

    String id = orders().placeOrder(orderNo, 1, "ROLLBACK").getMsgId();
    orders().placeOrder(marker, 1, "COMMIT");

    waiting().until(() -> "ROLLED_BACK".equals(state(id)));
    // A message committed after it has arrived: the rolled-back one would have been before it.
    waiting().until(() -> consumer().received(marker) == 1);
    assertThat(consumer().received(orderNo)).isZero();
  }

  @Test
  void anUnknownOutcomeIsResolvedByTheListenersCheckLocalTransaction() {
    String orderNo = "unknown-" + UUID.randomUUID();

    TransactionSendResult result = orders().placeOrder(orderNo, 5, "UNKNOWN");

    assertThat(result.getLocalTransactionState()).isEqualTo(LocalTransactionState.UNKNOW);
    waiting().until(() -> consumer().received(orderNo) == 1);
    assertThat(listener().checks(orderNo)).isGreaterThanOrEqualTo(1);
    assertThat(
            admin.get("/api/v1/messages/" + result.getMsgId()).json().path("resolvedBy").asText())
        .isEqualTo("CHECK_BACK");
  }

  @Test
  void anUnknownOutcomeWithoutTheOrderIsRolledBackByTheCheck() {
    String orderNo = "lost-" + UUID.randomUUID();
    // An UNKNOWN whose insert is gone, as if the local transaction had rolled back after all.
    String id = orders().placeOrder(orderNo, 5, "UNKNOWN").getMsgId();
    jdbc().update("DELETE FROM t_order WHERE order_no = ?", orderNo);

    waiting().until(() -> "ROLLED_BACK".equals(state(id)));
    assertThat(listener().checks(orderNo)).isGreaterThanOrEqualTo(1);
    assertThat(consumer().received(orderNo)).isZero();
  }

  @Test
  void delayHeadersHoldTheCommittedMessageAtTheBrokerUntilItsTime() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    long deliverMs = System.currentTimeMillis() + 3_000;
    // The delays of rocketmq-spring's syncSend(…, delayLevel), syncSendDeliverTimeMills,
    // syncSendDelayTimeMills and syncSendDelayTimeSeconds, as headers of a transactional send.
    Map<String, Map<String, Object>> sends =
        Map.of(
            "level-" + run, Map.of(MessageConst.PROPERTY_DELAY_TIME_LEVEL, 2), // 5 s
            "deliver-ms-" + run, Map.of(MessageConst.PROPERTY_TIMER_DELIVER_MS, deliverMs),
            "delay-ms-" + run, Map.of(MessageConst.PROPERTY_TIMER_DELAY_MS, 2_000L),
            "delay-sec-" + run, Map.of(MessageConst.PROPERTY_TIMER_DELAY_SEC, "2"));
    Map<String, Duration> after =
        Map.of(
            "level-" + run, Duration.ofSeconds(5),
            "delay-ms-" + run, Duration.ofSeconds(2),
            "delay-sec-" + run, Duration.ofSeconds(2));
    Map<String, Instant> due = new LinkedHashMap<>();

    sends.forEach(
        (orderNo, headers) -> {
          String id = orders().placeOrder(orderNo, 1, "COMMIT", headers).getMsgId();
          JsonNode stored = admin.get("/api/v1/messages/" + id).json();
          assertThat(stored.path("deliverAt").isTextual()).as(orderNo + " has a delay").isTrue();
          Instant deliverAt = Instant.parse(stored.path("deliverAt").asText());
          Instant created = Instant.parse(stored.path("createdAt").asText());
          assertThat(deliverAt)
              .isEqualTo(
                  orderNo.startsWith("deliver-ms-")
                      ? Instant.ofEpochMilli(deliverMs)
                      : created.plus(after.get(orderNo)));
          assertThat(stored.path("properties").has(headers.keySet().iterator().next()))
              .as("not a user property")
              .isFalse();
          // Committed and held by the broker, not forwarded.
          assertThat(stored.path("state").asText()).isEqualTo("COMMITTED");
          due.put(orderNo, deliverAt);
        });

    waiting().until(() -> due.keySet().stream().allMatch(o -> consumer().received(o) == 1));
    due.forEach(
        (orderNo, deliverAt) ->
            assertThat(consumer().firstArrival(orderNo))
                .as(orderNo + " arrives not before its time, and soon after it")
                .isBetween(deliverAt, deliverAt.plusSeconds(5)));
  }

  @Test
  void aShardingKeyHeaderOrdersTheKeysMessagesEvenWhenTheFirstIsDecidedLast() {
    String key = "customer-" + UUID.randomUUID();
    List<String> orderNos = List.of(key + "-1", key + "-2", key + "-3", key + "-4");
    Map<String, Object> headers = Map.of(MessageConst.PROPERTY_SHARDING_KEY, key);

    // The first is undecided until its check-back; without the key the others would overtake it.
    List<String> ids =
        orderNos.stream()
            .map(
                orderNo ->
                    orders()
                        .placeOrder(
                            orderNo, 1, orderNo.endsWith("-1") ? "UNKNOWN" : "COMMIT", headers)
                        .getMsgId())
            .toList();

    for (String id : ids) {
      JsonNode stored = admin.get("/api/v1/messages/" + id).json();
      assertThat(stored.path("shardingKey").asText()).isEqualTo(key);
      assertThat(stored.path("properties").has(MessageConst.PROPERTY_SHARDING_KEY))
          .as("not a user property")
          .isFalse();
    }
    waiting()
        .until(() -> ids.stream().allMatch(id -> "ACKED".equals(deliveryState(id, STOCK_GROUP))));
    assertThat(stock().applied())
        .filteredOn(o -> o.startsWith(key))
        .containsExactlyElementsOf(orderNos);
  }

  @Test
  void anInvalidDelayOrShardingKeyHeaderFailsTheSendNamingTheHeader() {
    Map<Map<String, Object>, String> invalid = new LinkedHashMap<>();
    invalid.put(
        Map.of(MessageConst.PROPERTY_DELAY_TIME_LEVEL, 99),
        "DELAY must be a delay level from 1 to 18");
    invalid.put(Map.of(MessageConst.PROPERTY_DELAY_TIME_LEVEL, "soon"), "DELAY must be a number");
    invalid.put(
        Map.of(MessageConst.PROPERTY_TIMER_DELAY_MS, -1), "TIMER_DELAY_MS must not be negative");
    invalid.put(
        Map.of(MessageConst.PROPERTY_TIMER_DELIVER_MS, -1),
        "TIMER_DELIVER_MS must not be negative");
    // Over the broker's halfmsg.delivery.max-delay (40 days): its 400, naming the header.
    invalid.put(
        Map.of(MessageConst.PROPERTY_TIMER_DELAY_SEC, Duration.ofDays(41).toSeconds()),
        "(set by TIMER_DELAY_SEC)");
    invalid.put(
        Map.of(MessageConst.PROPERTY_DELAY_TIME_LEVEL, 1, MessageConst.PROPERTY_TIMER_DELAY_MS, 10),
        "more than one delay (setDelayTimeMs (TIMER_DELAY_MS), setDelayTimeLevel (DELAY))");
    invalid.put(
        Map.of(MessageConst.PROPERTY_SHARDING_KEY, "k".repeat(129)),
        "__SHARDINGKEY: shardingKey must be 1 to 128 characters");

    invalid.forEach(
        (headers, named) -> {
          String orderNo = "invalid-" + UUID.randomUUID();
          assertThatThrownBy(() -> orders().placeOrder(orderNo, 1, "COMMIT", headers))
              .as(headers.toString())
              .isInstanceOf(MessagingException.class)
              .hasMessageContaining(named);
          // Refused before the local transaction: no order without its event.
          assertThat(
                  jdbc()
                      .queryForObject(
                          "SELECT COUNT(*) FROM t_order WHERE order_no = ?",
                          Integer.class,
                          orderNo))
              .isZero();
        });
  }

  private static String deliveryState(String id, String group) {
    for (JsonNode d : admin.get("/api/v1/messages/" + id).json().path("deliveries")) {
      if (group.equals(d.path("consumerGroup").asText())) {
        return d.path("state").asText();
      }
    }
    return null;
  }

  private static int reservations(String orderNo) {
    return jdbc()
        .queryForObject(
            "SELECT COUNT(*) FROM t_stock_reservation WHERE order_no = ?", Integer.class, orderNo);
  }

  private static StockConsumer stock() {
    return app.getBean(StockConsumer.class);
  }

  private static String state(String id) {
    BrokerClient.Response r = admin.get("/api/v1/messages/" + id);
    return r.status() == 200 ? r.json().path("state").asText() : null;
  }

  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100));
  }

  private static OrderService orders() {
    return app.getBean(OrderService.class);
  }

  private static OrderConsumer consumer() {
    return app.getBean(OrderConsumer.class);
  }

  private static OrderTransactionListener listener() {
    return app.getBean(OrderTransactionListener.class);
  }

  private static JdbcTemplate jdbc() {
    return app.getBean(JdbcTemplate.class);
  }
}
