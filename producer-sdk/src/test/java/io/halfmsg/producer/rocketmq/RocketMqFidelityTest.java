package io.halfmsg.producer.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.producer.CheckBackServer;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.testing.TestBroker;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.logging.LogCapture;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a RocketMQ application sees through {@link HalfmsgTransactionMQProducer} is what RocketMQ
 * would have shown it: the listeners and consumers here are written as RocketMQ's own examples
 * write them ({@code TransactionListenerImpl}, a {@code DefaultMQPushConsumer}).
 */
class RocketMqFidelityTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  static TestBroker broker;

  @BeforeAll
  static void startBroker() {
    mq.createTopic("order_topic");
    broker =
        TestBroker.start(
            brokerDb,
            Map.of(
                "halfmsg.rocketmq.namesrv-addr",
                mq.namesrvAddr(),
                "halfmsg.delivery.poll-interval",
                "100ms"));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  /**
   * A listener whose local transaction is an order and whose check reads the order number from the
   * body, as many RocketMQ applications do; every local transaction is still pending when it
   * returns, so only the check decides.
   */
  static final class OrderListener implements TransactionListener {
    final Map<String, Boolean> orders = new ConcurrentHashMap<>();
    final List<MessageExt> checked = new CopyOnWriteArrayList<>();
    final List<String> checkThreads = new CopyOnWriteArrayList<>();

    @Override
    public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
      orders.put(orderNo(msg.getBody()), Boolean.TRUE);
      return LocalTransactionState.UNKNOW;
    }

    @Override
    public LocalTransactionState checkLocalTransaction(MessageExt msg) {
      checked.add(msg);
      checkThreads.add(Thread.currentThread().getName());
      if (System.currentTimeMillis() - msg.getBornTimestamp() > 60_000) {
        return LocalTransactionState.ROLLBACK_MESSAGE; // too old to be still pending
      }
      return orders.containsKey(orderNo(msg.getBody()))
          ? LocalTransactionState.COMMIT_MESSAGE
          : LocalTransactionState.ROLLBACK_MESSAGE;
    }

    static String orderNo(byte[] body) {
      return new String(body, StandardCharsets.UTF_8).replaceAll("\\D", "");
    }

    MessageExt checkOf(String id) {
      return checked.stream()
          .filter(m -> id.equals(m.getTransactionId()))
          .findFirst()
          .orElseThrow();
    }
  }

  private TransactionMQProducer producer(String group, CheckBackServer.Builder server) {
    TransactionMQProducer p =
        new HalfmsgTransactionMQProducer(
            HalfmsgProducer.builder()
                .brokerUrls(broker.url())
                .token(TestBroker.PRODUCER_TOKEN)
                .producerGroup(group)
                .build(),
            server);
    closing.add(p::shutdown);
    return p;
  }

  private TransactionMQProducer producer(String group) {
    return producer(group, CheckBackServer.builder().host("127.0.0.1").secret(TestBroker.SECRET));
  }

  /** Committed, and maybe forwarded to RocketMQ already. */
  private static void awaitCommitted(String id) {
    await(id + " committed")
        .atMost(TestBroker.PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> List.of("COMMITTED", "FORWARDED").contains(broker.state(id)));
  }

  /**
   * A plain RocketMQ consumer of {@code topic}, started and closed after the test; what it
   * received, by msgId (the first copy of each).
   */
  private Map<String, MessageExt> plainConsumer(String topic) throws MQClientException {
    Map<String, MessageExt> received = new ConcurrentHashMap<>();
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("plain_" + topic);
    consumer.setNamesrvAddr(mq.namesrvAddr());
    consumer.setInstanceName("plain_" + topic);
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    consumer.setPollNameServerInterval(1000);
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (msgs, context) -> {
              msgs.forEach(m -> received.putIfAbsent(m.getMsgId(), m));
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    consumer.start();
    closing.add(consumer::shutdown);
    return received;
  }

  /** A started producer whose every local transaction commits. */
  private TransactionMQProducer committingProducer() throws MQClientException {
    TransactionMQProducer producer = producer(group());
    producer.setTransactionListener(
        new TransactionListener() {
          @Override
          public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
            return LocalTransactionState.COMMIT_MESSAGE;
          }

          @Override
          public LocalTransactionState checkLocalTransaction(MessageExt msg) {
            return LocalTransactionState.COMMIT_MESSAGE;
          }
        });
    producer.start();
    return producer;
  }

  private static String group() {
    return "fidelity-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aDelayLevelOrDeliverTimeDelaysTheCommittedMessageOnceThroughHalfmsg() throws Exception {
    String topic = "fid_" + UUID.randomUUID().toString().substring(0, 8);
    mq.createTopic(topic);
    Map<String, MessageExt> received = plainConsumer(topic);
    TransactionMQProducer producer = committingProducer();

    Message level = new Message(topic, "level".getBytes(StandardCharsets.UTF_8));
    level.setDelayTimeLevel(2); // 5 s among RocketMQ's default levels
    long deliverMs = System.currentTimeMillis() + 3_000;
    Message timed = new Message(topic, "timed".getBytes(StandardCharsets.UTF_8));
    timed.setDeliverTimeMs(deliverMs);
    String byLevel = producer.sendMessageInTransaction(level, null).getMsgId();
    String byTime = producer.sendMessageInTransaction(timed, null).getMsgId();

    JsonNode stored = broker.message(byLevel);
    java.time.Instant levelAt = java.time.Instant.parse(stored.path("deliverAt").asText());
    assertThat(levelAt)
        .isEqualTo(java.time.Instant.parse(stored.path("createdAt").asText()).plusSeconds(5));
    assertThat(stored.path("properties").properties()).as("not a user property").isEmpty();
    java.time.Instant timeAt =
        java.time.Instant.parse(broker.message(byTime).path("deliverAt").asText());
    assertThat(timeAt.toEpochMilli()).isEqualTo(deliverMs);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> received.containsKey(byLevel) && received.containsKey(byTime));
    for (var e : Map.of(byLevel, levelAt, byTime, timeAt).entrySet()) {
      MessageExt m = received.get(e.getKey());
      assertThat(m.getStoreTimestamp())
          .as("stored in RocketMQ at its time, by halfmsg, without RocketMQ's own delay after it")
          .isBetween(e.getValue().toEpochMilli(), e.getValue().toEpochMilli() + 2_000);
      assertThat(m.getDelayTimeLevel()).isZero();
      assertThat(m.getProperty("TIMER_DELIVER_MS")).isNull();
    }

    Message both = new Message(topic, "both".getBytes(StandardCharsets.UTF_8));
    both.setDelayTimeLevel(1);
    both.setDelayTimeSec(10);
    assertThatThrownBy(() -> producer.sendMessageInTransaction(both, null))
        .isInstanceOf(MQClientException.class)
        .hasMessageContaining("more than one delay");

    // Refused naming the property, not clamped (RocketMQ's broker would take its highest level).
    Message beyondLevels = new Message(topic, "beyond".getBytes(StandardCharsets.UTF_8));
    beyondLevels.setDelayTimeLevel(19);
    assertThatThrownBy(() -> producer.sendMessageInTransaction(beyondLevels, null))
        .isInstanceOf(MQClientException.class)
        .hasMessageContaining("DELAY must be a delay level from 1 to 18");
    Message negative = new Message(topic, "negative".getBytes(StandardCharsets.UTF_8));
    negative.setDelayTimeMs(-1);
    assertThatThrownBy(() -> producer.sendMessageInTransaction(negative, null))
        .isInstanceOf(MQClientException.class)
        .hasMessageContaining("TIMER_DELAY_MS must not be negative");
    // The broker's refusal names its field; the message names the property too.
    Message tooLate = new Message(topic, "too-late".getBytes(StandardCharsets.UTF_8));
    tooLate.setDelayTimeSec(Duration.ofDays(41).toSeconds());
    assertThatThrownBy(() -> producer.sendMessageInTransaction(tooLate, null))
        .isInstanceOf(MQClientException.class)
        .hasMessageContaining("deliverAfterMs")
        .hasMessageContaining("(set by TIMER_DELAY_SEC)");
  }

  @Test
  void theCheckSeesTheWholeMessageAndDecidesByItsBody() throws Exception {
    OrderListener listener = new OrderListener();
    TransactionMQProducer producer = producer(group());
    producer.setTransactionListener(listener);
    producer.start();

    long before = System.currentTimeMillis();
    Message msg =
        new Message(
            "order_topic",
            "created",
            "ORDER-1001",
            "{\"orderNo\":1001}".getBytes(StandardCharsets.UTF_8));
    msg.putUserProperty("order:id", "1001");
    msg.putUserProperty("my key", "a value");
    msg.putUserProperty("名字", "值");
    TransactionSendResult sent = producer.sendMessageInTransaction(msg, null);
    long after = System.currentTimeMillis();

    awaitCommitted(sent.getMsgId());
    assertThat(broker.resolvedBy(sent.getMsgId())).isEqualTo("CHECK_BACK");
    MessageExt check = listener.checkOf(sent.getMsgId());
    assertThat(new String(check.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"orderNo\":1001}");
    assertThat(check.getTopic()).isEqualTo("order_topic");
    assertThat(check.getTags()).isEqualTo("created");
    assertThat(check.getKeys()).isEqualTo("ORDER-1001");
    assertThat(check.getUserProperty("order:id")).isEqualTo("1001");
    assertThat(check.getUserProperty("my key")).isEqualTo("a value");
    assertThat(check.getUserProperty("名字")).isEqualTo("值");
    assertThat(check.getMsgId()).isEqualTo(sent.getMsgId());
    assertThat(check.getTransactionId()).isEqualTo(sent.getTransactionId());
    // The broker's clock stamps the prepare; on one machine it is the producer's.
    assertThat(check.getBornTimestamp()).isBetween(before - 1000, after + 1000);
    assertThat(check.getStoreTimestamp()).isEqualTo(check.getBornTimestamp());
    assertThat(check.getBornHost()).isNotNull();
    assertThat(check.getBornHostString()).isEqualTo("127.0.0.1");
    assertThat(check.getProperty("TRANSACTION_CHECK_TIMES")).isEqualTo("1");
  }

  @Test
  void aBinaryBodyReachesTheCheckByteForByte() throws Exception {
    byte[] body = {0, 1, (byte) 0xfe, (byte) 0xff, '7'};
    OrderListener listener = new OrderListener();
    TransactionMQProducer producer = producer(group());
    producer.setTransactionListener(listener);
    producer.start();

    TransactionSendResult sent =
        producer.sendMessageInTransaction(new Message("order_topic", body), null);

    awaitCommitted(sent.getMsgId());
    assertThat(listener.checkOf(sent.getMsgId()).getBody()).isEqualTo(body);
  }

  @Test
  void theSendResultNamesAQueueAsRocketMqDoes() throws Exception {
    TransactionMQProducer producer = producer(group());
    producer.setTransactionListener(new OrderListener());
    producer.start();

    TransactionSendResult sent =
        producer.sendMessageInTransaction(
            new Message("order_topic", "{\"orderNo\":7}".getBytes(StandardCharsets.UTF_8)), null);

    assertThat(sent.getMessageQueue().getTopic()).isEqualTo("order_topic");
    assertThat(sent.getMessageQueue().getBrokerName()).isEqualTo("halfmsg");
    assertThat(sent.getMessageQueue().getQueueId()).isZero();
    assertThat(sent.getQueueOffset()).isZero();
  }

  @Test
  void aPlainRocketMqConsumerSeesTheIdTheProducerGot() throws Exception {
    String topic = "fid_" + UUID.randomUUID().toString().substring(0, 8);
    mq.createTopic(topic);
    Map<String, MessageExt> received = plainConsumer(topic);

    TransactionMQProducer producer = committingProducer();
    TransactionSendResult sent =
        producer.sendMessageInTransaction(
            new Message(topic, "TagA", "KEY-1", "hello".getBytes(StandardCharsets.UTF_8)), null);

    await().atMost(Duration.ofSeconds(30)).until(() -> received.containsKey(sent.getMsgId()));
    MessageExt m = received.get(sent.getMsgId());
    assertThat(m.getMsgId()).isEqualTo(sent.getMsgId());
    assertThat(m.getUserProperty("HALFMSG_ID")).isEqualTo(sent.getMsgId());
    assertThat(m.getKeys()).isEqualTo("KEY-1");
  }

  @Test
  void propertyNamesRocketMqRefusesAreRefusedBeforeAnythingIsSent() throws Exception {
    TransactionMQProducer producer = producer(group());
    producer.setTransactionListener(new OrderListener());
    producer.start();

    for (String name : List.of("a\u0001b", "HALFMSG_X", " ")) {
      Message msg = new Message("order_topic", "{\"orderNo\":1}".getBytes(StandardCharsets.UTF_8));
      // RocketMQ's putUserProperty refuses some of these itself; what reaches halfmsg is the test.
      MessageAccessor.putProperty(msg, name, "v");
      assertThatThrownBy(() -> producer.sendMessageInTransaction(msg, null))
          .as(name)
          .isInstanceOf(MQClientException.class)
          .hasMessageContaining("roperty");
    }
    Message badValue =
        new Message("order_topic", "{\"orderNo\":1}".getBytes(StandardCharsets.UTF_8));
    badValue.putUserProperty("note", "x\u0002y");
    assertThatThrownBy(() -> producer.sendMessageInTransaction(badValue, null))
        .isInstanceOf(MQClientException.class)
        .hasMessageContaining("note");
  }

  @Test
  void checksRunOnTheExecutorServiceSet() throws Exception {
    ExecutorService executor =
        Executors.newFixedThreadPool(2, r -> new Thread(r, "users-check-pool"));
    closing.add(executor::shutdownNow);
    OrderListener listener = new OrderListener();
    TransactionMQProducer producer = producer(group());
    producer.setExecutorService(executor);
    producer.setTransactionListener(listener);
    producer.start();

    TransactionSendResult sent =
        producer.sendMessageInTransaction(
            new Message("order_topic", "{\"orderNo\":5}".getBytes(StandardCharsets.UTF_8)), null);

    awaitCommitted(sent.getMsgId());
    assertThat(listener.checkThreads).isNotEmpty().allMatch("users-check-pool"::equals);
  }

  @Test
  void startFailsWithTheBrokersReasonWhenItRefusesTheCheckBackUrl() throws Exception {
    TransactionMQProducer producer =
        producer(
            group(),
            CheckBackServer.builder()
                .host("127.0.0.1")
                .advertisedHost("203.0.113.9")
                .secret(TestBroker.SECRET));
    producer.setTransactionListener(new OrderListener());

    assertThatThrownBy(producer::start)
        .isInstanceOf(MQClientException.class)
        .hasMessageContaining("203.0.113.9")
        .hasMessageContaining("400")
        .hasMessageContaining("allowed");
  }

  @Test
  void theAdvertisedCheckBackUrlIsLoggedWithWhyItWasChosen() throws Exception {
    try (LogCapture logs = LogCapture.start()) {
      TransactionMQProducer producer =
          producer(group(), CheckBackServer.builder().secret(TestBroker.SECRET).register(false));
      producer.setTransactionListener(new OrderListener());
      producer.start();

      assertThat(logs.mentioning("InetAddress.getLocalHost()"))
          .singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).contains("allowed-hosts"));
    }
  }

  @Test
  void whatHalfmsgDoesNotDoFailsClearly() throws Exception {
    TransactionMQProducer producer = producer(group());
    producer.setTransactionListener(new OrderListener());
    producer.start();
    Message msg = new Message("order_topic", "x".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(producer::start)
        .isInstanceOf(MQClientException.class)
        .hasMessageContaining("started once");
    assertThatThrownBy(() -> producer.send(msg))
        .isInstanceOf(MQClientException.class)
        .hasMessageContaining("sendMessageInTransaction")
        .hasMessageNotContaining("CREATE_JUST");
    assertThatThrownBy(() -> producer.send(msg, 1000))
        .hasMessageContaining("sendMessageInTransaction");
    assertThatThrownBy(
            () ->
                producer.send(
                    msg,
                    new SendCallback() {
                      @Override
                      public void onSuccess(SendResult sendResult) {}

                      @Override
                      public void onException(Throwable e) {}
                    }))
        .hasMessageContaining("sendMessageInTransaction");
    assertThatThrownBy(() -> producer.send(List.of(msg)))
        .hasMessageContaining("sendMessageInTransaction");
    assertThatThrownBy(() -> producer.sendOneway(msg))
        .hasMessageContaining("sendMessageInTransaction");
    assertThatThrownBy(() -> producer.request(msg, 1000)).hasMessageContaining("request-reply");
    assertThatThrownBy(() -> producer.fetchPublishMessageQueues("order_topic"))
        .isInstanceOf(MQClientException.class)
        .hasMessageContaining("not supported");
  }

  @Test
  void aSettingWithoutEffectIsSaidOnceAtWarn() throws Exception {
    try (LogCapture logs = LogCapture.start()) {
      TransactionMQProducer producer = producer(group());
      producer.setRetryTimesWhenSendFailed(5);
      producer.setRetryTimesWhenSendFailed(6);
      producer.setNamespace("tenant-a");
      String group = producer.getProducerGroup();
      producer.setProducerGroup(group);
      producer.setProducerGroup("another-group");

      assertThat(producer.getProducerGroup()).isEqualTo(group);
      assertThat(logs.mentioning("setProducerGroup has no effect")).hasSize(1);
      assertThat(logs.mentioning("setRetryTimesWhenSendFailed has no effect"))
          .singleElement()
          .satisfies(e -> assertThat(e.getLevel().toString()).isEqualTo("WARN"));
      assertThat(logs.mentioning("setNamespace has no effect")).hasSize(1);
    }
  }

  @Test
  void aSendTimeoutBoundsTheWaitForThePrepare() throws Exception {
    // A broker that accepts the connection and never answers.
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0)) {
      TransactionMQProducer producer =
          new HalfmsgTransactionMQProducer(
              HalfmsgProducer.builder()
                  .brokerUrls("http://127.0.0.1:" + silent.getLocalPort())
                  .token(TestBroker.PRODUCER_TOKEN)
                  .producerGroup(group())
                  .requestTimeout(Duration.ofSeconds(20))
                  .build(),
              null);
      closing.add(0, producer::shutdown);
      producer.setSendMsgTimeout(500);
      producer.setTransactionListener(new OrderListener());
      producer.start();

      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  producer.sendMessageInTransaction(
                      new Message("order_topic", "x".getBytes(StandardCharsets.UTF_8)), null))
          .isInstanceOf(MQClientException.class)
          .hasMessageContaining("in time");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void theBrokerStoresPropertyNamesRocketMqAccepts() throws Exception {
    TransactionMQProducer producer = producer(group());
    producer.setTransactionListener(new OrderListener());
    producer.start();
    Message msg = new Message("order_topic", "{\"orderNo\":3}".getBytes(StandardCharsets.UTF_8));
    msg.putUserProperty("order:id", "3");
    msg.putUserProperty("my key", "v");
    msg.putUserProperty("名字", "值");

    TransactionSendResult sent = producer.sendMessageInTransaction(msg, null);

    JsonNode stored = broker.message(sent.getMsgId());
    assertThat(stored.path("properties").path("order:id").asText()).isEqualTo("3");
    assertThat(stored.path("properties").path("my key").asText()).isEqualTo("v");
    assertThat(stored.path("properties").path("名字").asText()).isEqualTo("值");
  }

  @Test
  void rocketMqsShardingKeyPropertyOrdersTheMessage() throws Exception {
    TransactionMQProducer producer = producer(group());
    producer.setTransactionListener(new OrderListener());
    producer.start();
    Message msg = new Message("order_topic", "{\"orderNo\":4}".getBytes(StandardCharsets.UTF_8));
    msg.putUserProperty(MessageConst.PROPERTY_SHARDING_KEY, "order-4");

    TransactionSendResult sent = producer.sendMessageInTransaction(msg, null);

    JsonNode stored = broker.message(sent.getMsgId());
    assertThat(stored.path("shardingKey").asText()).isEqualTo("order-4");
    assertThat(stored.path("properties").has(MessageConst.PROPERTY_SHARDING_KEY))
        .as("the key, not a user property")
        .isFalse();
  }
}
