package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.consumer.spring.SpringTransactions;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import io.halfmsg.testsupport.tls.SelfSignedTls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The drop-in {@code DefaultMQPushConsumer}: listeners written as RocketMQ's examples write them,
 * against the real broker, an embedded RocketMQ and the consumer's own MariaDB. The listeners write
 * {@code effect} rows with plain JDBC on the consumer's transactional data source, adding 1 to
 * {@code n} on a second application, so that an application twice shows as n = 2.
 */
class HalfmsgMQPushConsumerTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static AppDatabase app = new AppDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  static TestStack stack;

  final List<HalfmsgMQPushConsumer> consumers = new ArrayList<>();

  @BeforeAll
  static void start() {
    stack = TestStack.start(brokerDb, mq.instance());
    app.createEffectTable();
  }

  @AfterEach
  void shutdownConsumers() {
    consumers.forEach(HalfmsgMQPushConsumer::shutdown);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theSimpleExampleConsumerAppliesACommittedMessageOnceAndAcksIt() throws Exception {
    String topic = stack.newTopic("pc_simple");
    String group = "g_" + topic;
    List<String> seen = new CopyOnWriteArrayList<>();

    // As in RocketMQ's example simple push consumer; only the class and the halfmsg settings.
    HalfmsgMQPushConsumer consumer = configured(group);
    DataSource db = consumer.getTransactionalDataSource();
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (msg, context) -> {
              msg.forEach(m -> seen.add(m.getUserProperty("HALFMSG_ID")));
              msg.forEach(m -> record(db, group, m));
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    started(consumer);

    String id = stack.send(topic, "TagA", "Hello RocketMQ");

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(seen).containsExactly(id);
    assertThat(app.effect(group, id)).isEqualTo(1);
    assertThat(app.dedupeRow(group, id)).isTrue();
  }

  @Test
  void reconsumeLaterRollsBackAndTheBrokerRedeliversNotRocketMq() throws Exception {
    String topic = stack.newTopic("pc_later");
    String group = "g_" + topic;
    Map<String, List<Integer>> reconsumeTimes = new ConcurrentHashMap<>();

    HalfmsgMQPushConsumer consumer = configured(group);
    DataSource db = consumer.getTransactionalDataSource();
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (msgs, context) -> {
              MessageExt m = msgs.get(0);
              List<Integer> calls =
                  reconsumeTimes.computeIfAbsent(
                      m.getUserProperty("HALFMSG_ID"), k -> new CopyOnWriteArrayList<>());
              calls.add(m.getReconsumeTimes());
              record(db, group, m);
              return calls.size() == 1
                  ? ConsumeConcurrentlyStatus.RECONSUME_LATER
                  : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    started(consumer);

    String id = stack.send(topic, "TagA", "later");

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(app.effect(group, id)).as("the first call's write rolled back").isEqualTo(1);
    // RocketMQ's own retry would count a reconsume; the broker's redelivery is a new message.
    assertThat(reconsumeTimes.get(id)).containsExactly(0, 0);
    assertThat(stack.attempts(id, group)).isEqualTo(2);
  }

  @Test
  void aThrowingListenerRollsBackItsDatabaseWrite() throws Exception {
    String topic = stack.newTopic("pc_throw");
    String group = "g_" + topic;
    AtomicInteger calls = new AtomicInteger();

    HalfmsgMQPushConsumer consumer = configured(group);
    DataSource db = consumer.getTransactionalDataSource();
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (msgs, context) -> {
              msgs.forEach(m -> record(db, group, m));
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("stock service down");
              }
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    started(consumer);

    String id = stack.send(topic, "TagA", "throws");

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(calls).hasValue(2);
    assertThat(app.effect(group, id)).isEqualTo(1);
  }

  @Test
  void aRedeliveryOfAnAppliedMessageDoesNotCallTheListenerAgain() throws Exception {
    String topic = stack.newTopic("pc_dedupe");
    String group = "g_" + topic;
    AtomicInteger calls = new AtomicInteger();
    RecordingAcks lost = new RecordingAcks();

    HalfmsgMQPushConsumer consumer = configured(group);
    consumer.acks(broker -> lost);
    DataSource db = consumer.getTransactionalDataSource();
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (msgs, context) -> {
              calls.incrementAndGet();
              msgs.forEach(m -> record(db, group, m));
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    started(consumer);

    String id = stack.send(topic, "TagA", "once");

    // The acks never arrive: the broker keeps sending, the dedupe row answers each copy.
    waiting().until(() -> lost.acked().size() >= 3);
    assertThat(stack.attempts(id, group)).isGreaterThanOrEqualTo(3);
    assertThat(calls).hasValue(1);
    assertThat(app.effect(group, id)).isEqualTo(1);
  }

  @Test
  void theOrderlyExampleConsumerAppliesOneQueueInOrderAlsoAfterASuspend() throws Exception {
    String topic = stack.newTopic("pc_orderly", 1);
    String group = "g_" + topic;
    Map<String, Long> offsets = new ConcurrentHashMap<>();
    AtomicInteger suspended = new AtomicInteger();

    HalfmsgMQPushConsumer consumer = configured(group);
    DataSource db = consumer.getTransactionalDataSource();
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    consumer.subscribe(topic, "TagA || TagC || TagD");
    // As in RocketMQ's ordermessage example.
    consumer.registerMessageListener(
        new MessageListenerOrderly() {
          final AtomicLong consumeTimes = new AtomicLong(0);

          @Override
          public ConsumeOrderlyStatus consumeMessage(
              List<MessageExt> msgs, ConsumeOrderlyContext context) {
            context.setAutoCommit(true);
            consumeTimes.incrementAndGet();
            for (MessageExt m : msgs) {
              if (m.getQueueOffset() == 2 && suspended.getAndIncrement() == 0) {
                context.setSuspendCurrentQueueTimeMillis(100);
                return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
              }
              offsets.put(m.getUserProperty("HALFMSG_ID"), m.getQueueOffset());
              record(db, group, m);
            }
            return ConsumeOrderlyStatus.SUCCESS;
          }
        });
    started(consumer);

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(stack.send(topic, "TagA", "order " + i));
    }

    for (String id : ids) {
      waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    }
    assertThat(suspended).hasValueGreaterThanOrEqualTo(1);
    List<String> applied = appliedInOrder(group);
    assertThat(applied).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(applied.stream().map(offsets::get).toList()).isSorted();
    for (String id : ids) {
      assertThat(app.effect(group, id)).isEqualTo(1);
    }
  }

  @Test
  void aBatchOfSeveralMessagesIsOneTransactionTheListenerStatusAppliesToAll() throws Exception {
    String topic = stack.newTopic("pc_batch", 1);
    String group = "g_" + topic;
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    AtomicInteger failures = new AtomicInteger();

    HalfmsgMQPushConsumer consumer = configured(group);
    DataSource db = consumer.getTransactionalDataSource();
    consumer.setConsumeMessageBatchMaxSize(10);
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (msgs, context) -> {
              sizes.add(msgs.size());
              msgs.forEach(m -> record(db, group, m));
              // The first batch of several fails as a whole: none of its writes may stay.
              return msgs.size() > 1 && failures.getAndIncrement() == 0
                  ? ConsumeConcurrentlyStatus.RECONSUME_LATER
                  : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    started(consumer);

    consumer.suspend();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(stack.send(topic, "TagA", "batch " + i));
    }
    for (String id : ids) {
      waiting().until(() -> "FORWARDED".equals(stack.messageState(id)));
    }
    consumer.resume();

    for (String id : ids) {
      waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    }
    assertThat(sizes.get(0)).as("one call with the backlog").isEqualTo(5);
    assertThat(failures).hasValueGreaterThanOrEqualTo(1);
    for (String id : ids) {
      assertThat(app.effect(group, id))
          .as("applied once after the whole batch rolled back")
          .isOne();
    }
  }

  @Test
  void aMessageNotSentThroughHalfmsgReachesTheListenerWithoutDedupe() throws Exception {
    String topic = stack.newTopic("pc_plain");
    String group = "g_" + topic;
    List<String> bodies = new CopyOnWriteArrayList<>();

    HalfmsgMQPushConsumer consumer = configured(group);
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (msgs, context) -> {
              msgs.forEach(m -> bodies.add(new String(m.getBody(), StandardCharsets.UTF_8)));
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    started(consumer);

    DefaultMQProducer producer = new DefaultMQProducer("plain_" + group);
    producer.setNamesrvAddr(stack.namesrvAddr());
    producer.setInstanceName("plain_" + group);
    producer.start();
    try {
      producer.send(new Message(topic, "TagA", "plain".getBytes(StandardCharsets.UTF_8)));
    } finally {
      producer.shutdown();
    }

    waiting().until(() -> bodies.contains("plain"));
    assertThat(app.dedupeRows(group)).isZero();
  }

  @Test
  void broadcastingAndSqlSelectorsAreRefusedBeforeAnythingRuns() throws Exception {
    String topic = stack.newTopic("pc_refused");
    HalfmsgMQPushConsumer consumer = configured("g_" + topic);
    assertThatThrownBy(() -> consumer.subscribe(topic, MessageSelector.bySql("a > 1")))
        .isInstanceOf(UnsupportedOperationException.class);
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently) (msgs, context) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
    consumer.setMessageModel(MessageModel.BROADCASTING);
    assertThatThrownBy(consumer::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CLUSTERING");
    assertThat(stack.deliveryState(stack.send(topic, "TagA", "x"), "g_" + topic))
        .as("no subscription registered")
        .isEmpty();
  }

  @Test
  void aJdbcTemplateListenerJoinsSpringsTransactionAndRollsBackWithIt() throws Exception {
    String topic = stack.newTopic("pc_spring");
    String group = "g_" + topic;
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch checked = new CountDownLatch(1);

    // The application's Spring JDBC setup; no setDataSource, no transactional data source.
    DataSourceTransactionManager transactionManager =
        new DataSourceTransactionManager(app.dataSource());
    JdbcTemplate jdbcTemplate = new JdbcTemplate(app.dataSource());
    HalfmsgMQPushConsumer consumer = withoutDataSource(group);
    consumer.setLocalTransactions(new SpringTransactions(transactionManager, app.dataSource()));
    consumer.subscribe(topic, "TagA || TagB");
    consumer.registerMessageListener(
        new MessageListenerConcurrently() {
          @Override
          public ConsumeConcurrentlyStatus consumeMessage(
              List<MessageExt> msgs, ConsumeConcurrentlyContext context) {
            if (calls.incrementAndGet() == 2) {
              // The broker's redelivery: hold it until the test saw what the first call left.
              awaitQuietly(checked);
            }
            for (MessageExt msg : msgs) {
              jdbcTemplate.update(
                  "INSERT INTO effect (consumer_group, message_id, n) VALUES (?, ?, 1)"
                      + " ON DUPLICATE KEY UPDATE n = n + 1",
                  group,
                  msg.getUserProperty("HALFMSG_ID"));
            }
            return calls.get() == 1
                ? ConsumeConcurrentlyStatus.RECONSUME_LATER
                : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
          }
        });
    started(consumer);

    String id = stack.send(topic, "TagA", "spring");

    waiting().until(() -> calls.get() == 2);
    assertThat(app.effect(group, id)).as("the JdbcTemplate write rolled back").isZero();
    assertThat(app.dedupeRow(group, id)).isFalse();
    assertThat(stack.deliveryState(id, group)).isNotEqualTo("ACKED");
    assertThat(stack.attempts(id, group)).as("redelivered by the broker").isEqualTo(2);
    checked.countDown();

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(app.effect(group, id)).isEqualTo(1);
    assertThat(app.dedupeRow(group, id)).isTrue();
    assertThat(calls).hasValue(2);
  }

  /**
   * The broker made the group's delivery while it subscribed with {@code *}; the group now wants
   * TagA only, and RocketMQ does not filter the retry topic: the redelivery is acked without the
   * listener, as HalfmsgConsumer does, and nothing waits for it.
   */
  @Test
  void aRedeliveryOfATagNoLongerSubscribedIsAckedWithoutTheListener() throws Exception {
    String topic = stack.newTopic("pc_tags");
    String group = "g_" + topic;
    List<String> before = new CopyOnWriteArrayList<>();
    List<String> after = new CopyOnWriteArrayList<>();

    HalfmsgMQPushConsumer everything = configured(group);
    everything.subscribe(topic, "*");
    everything.registerMessageListener(noting(before, ConsumeConcurrentlyStatus.RECONSUME_LATER));
    started(everything);
    String id = stack.send(topic, "TagB", "no longer wanted");
    waiting().until(() -> before.contains(id));
    everything.shutdown();

    HalfmsgMQPushConsumer tagA = configured(group);
    tagA.setInstanceName(group + "_tagA");
    tagA.subscribe(topic, "TagA");
    tagA.registerMessageListener(noting(after, ConsumeConcurrentlyStatus.CONSUME_SUCCESS));
    started(tagA);

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(after).doesNotContain(id);
    assertThat(app.dedupeRow(group, id)).isFalse();
    assertThat(tagA.getHalfmsgStats().filtered()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void theCountersOfHalfmsgConsumerArePublishedToTheMeterRegistry() throws Exception {
    String topic = stack.newTopic("pc_meters");
    String group = "g_" + topic;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    HalfmsgMQPushConsumer consumer = configured(group);
    consumer.setMeterRegistry(meters);
    DataSource db = consumer.getTransactionalDataSource();
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (msgs, context) -> {
              msgs.forEach(m -> record(db, group, m));
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    started(consumer);

    String id = stack.send(topic, "TagA", "counted");

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    waiting().until(() -> counter(meters, "halfmsg.consumer.acks", group, "sent") == 1);
    assertThat(counter(meters, "halfmsg.consumer.messages", group, "handled")).isEqualTo(1);
    assertThat(counter(meters, "halfmsg.consumer.messages", group, "failed")).isZero();
    assertThat(consumer.getHalfmsgStats().handled()).isEqualTo(1);
  }

  @Test
  void overHttpsTheBrokerIsTrustedThroughTheSslContextNotTheJvmDefault(@TempDir Path dir)
      throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir);
    try (ConfigurableApplicationContext httpsInstance = stack.startHttpsInstance(tls)) {
      String httpsUrl = "https://127.0.0.1:" + BrokerInstances.port(httpsInstance);
      String topic = stack.newTopic("pc_tls");
      String group = "g_" + topic;
      List<String> seen = new CopyOnWriteArrayList<>();

      HalfmsgMQPushConsumer untrusting = configured(group);
      untrusting.setHalfmsgBrokerUrls(httpsUrl);
      untrusting.subscribe(topic, "*");
      untrusting.registerMessageListener(
          (MessageListenerConcurrently)
              (msgs, context) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
      assertThatThrownBy(untrusting::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no usable answer from " + httpsUrl)
          .hasMessageContaining("SSLHandshakeException");

      HalfmsgMQPushConsumer trusting = configured(group);
      trusting.setInstanceName(group + "_tls");
      trusting.setHalfmsgBrokerUrls(httpsUrl);
      trusting.setHalfmsgSslContext(tls.trustOnly());
      trusting.subscribe(topic, "*");
      trusting.registerMessageListener(noting(seen, ConsumeConcurrentlyStatus.CONSUME_SUCCESS));
      started(trusting);

      // Registered over HTTPS above; the ack goes there too.
      String id = stack.send(topic, "TagA", "over tls");
      waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
      assertThat(seen).containsExactly(id);
      trusting.shutdown(); // before its broker instance goes
    }
  }

  @Test
  void aSubscriptionAfterTheStartIsRegisteredWithTheBrokerToo() throws Exception {
    String first = stack.newTopic("pc_first");
    String later = stack.newTopic("pc_later_sub");
    String group = "g_" + first;
    List<String> seen = new CopyOnWriteArrayList<>();

    HalfmsgMQPushConsumer consumer = configured(group);
    consumer.subscribe(first, "*");
    consumer.registerMessageListener(
        new MessageListenerConcurrently() {
          @Override
          public ConsumeConcurrentlyStatus consumeMessage(
              List<MessageExt> msgs, ConsumeConcurrentlyContext context) {
            for (MessageExt msg : msgs) {
              seen.add(msg.getTopic() + "/" + msg.getUserProperty("HALFMSG_ID"));
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
          }
        });
    started(consumer);
    consumer.subscribe(later, "TagA || TagB");

    String id = stack.send(later, "TagB", "subscribed later");

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(seen).containsExactly(later + "/" + id);
    assertThat(app.dedupeRow(group, id)).isTrue();
  }

  @Test
  void aSubscriptionAfterTheStartThatTheBrokerRefusesFailsAndRocketMqKeepsItsOwn()
      throws Exception {
    String topic = stack.newTopic("pc_refuse_later");
    HalfmsgMQPushConsumer consumer = configured("g_" + topic);
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently) (msgs, context) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
    started(consumer);

    assertThatThrownBy(() -> consumer.subscribe("not a topic!", "*"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HTTP 400");
    assertThat(consumer.getDefaultMQPushConsumerImpl().getSubscriptionInner())
        .doesNotContainKey("not a topic!")
        .containsKey(topic);
  }

  @Test
  void brokerUrlsAreCommaSeparatedAndCheckedAsTheBuildersCheckThem() throws Exception {
    HalfmsgMQPushConsumer consumer = new HalfmsgMQPushConsumer("g_urls");
    assertThatThrownBy(() -> consumer.setHalfmsgBrokerUrls("http://halfmsg-1:8080,ftp://halfmsg-2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A broker URL must be http:// or https:// with a host: ftp://halfmsg-2");
    assertThatThrownBy(() -> consumer.setHalfmsgBrokerUrls(" , "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one broker URL is required");

    // Both URLs of one comma-separated string are used: the first one is down, the second answers.
    String topic = stack.newTopic("pc_urls");
    String group = "g_" + topic;
    HalfmsgMQPushConsumer failingOver = configured(group);
    failingOver.setHalfmsgBrokerUrls("http://127.0.0.1:1, " + stack.brokerUrl());
    failingOver.subscribe(topic, "*");
    failingOver.registerMessageListener(
        (MessageListenerConcurrently) (msgs, context) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
    started(failingOver);

    String id = stack.send(topic, "TagA", "failover");
    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
  }

  private HalfmsgMQPushConsumer configured(String group) {
    HalfmsgMQPushConsumer consumer = withoutDataSource(group);
    consumer.setDataSource(app.dataSource());
    return consumer;
  }

  /** A consumer whose test chooses its transactions ({@code setLocalTransactions}). */
  private HalfmsgMQPushConsumer withoutDataSource(String group) {
    HalfmsgMQPushConsumer consumer = new HalfmsgMQPushConsumer(group);
    consumer.setNamesrvAddr(stack.namesrvAddr());
    consumer.setInstanceName(group);
    consumer.setHalfmsgBrokerUrls(stack.brokerUrl());
    consumer.setHalfmsgToken(BrokerClient.CONSUMER_TOKEN);
    consumer.setAutoCreateDedupeTable(true);
    consumer.setHalfmsgAckTimeout(Duration.ofSeconds(1));
    consumers.add(consumer);
    return consumer;
  }

  /** A listener, for tests about something else, that notes the halfmsg ids it is given. */
  private static MessageListenerConcurrently noting(
      List<String> ids, ConsumeConcurrentlyStatus status) {
    return (msgs, context) -> {
      msgs.forEach(m -> ids.add(m.getUserProperty("HALFMSG_ID")));
      return status;
    };
  }

  private static void started(HalfmsgMQPushConsumer consumer) throws MQClientException {
    consumer.start();
  }

  /** The listener's own JDBC code, written for auto-commit: it closes its connection. */
  private static void record(DataSource db, String group, MessageExt m) {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO effect (consumer_group, message_id, n) VALUES (?, ?, 1)"
                    + " ON DUPLICATE KEY UPDATE n = n + 1")) {
      ps.setString(1, group);
      ps.setString(2, m.getUserProperty("HALFMSG_ID"));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> appliedInOrder(String group) throws SQLException {
    try (Connection c = app.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT message_id FROM effect WHERE consumer_group = ? ORDER BY seq")) {
      ps.setString(1, group);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    }
  }

  private static double counter(
      SimpleMeterRegistry meters, String name, String group, String outcome) {
    return meters.get(name).tags("group", group, "outcome", outcome).functionCounter().count();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test did not release the listener");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));
  }
}
