package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The plain-Java consumer against the real broker (in-process, over HTTP), an embedded RocketMQ and
 * the consumer's own MariaDB database. Subscriptions use a 1 s ack timeout.
 */
class HalfmsgConsumerTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static AppDatabase app = new AppDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  static TestStack stack;

  record Deduction(String product, int count) {}

  final List<HalfmsgConsumer> consumers = new ArrayList<>();

  @BeforeAll
  static void start() {
    stack = TestStack.start(brokerDb, mq.instance());
    app.createEffectTable();
  }

  @AfterEach
  void closeConsumers() {
    consumers.forEach(HalfmsgConsumer::close);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aCommittedMessageIsHandledOnceInTheLocalTransactionAndAcked() {
    String topic = stack.newTopic("e2e");
    String group = "g_" + topic;
    Handler handler = new Handler(group);
    // A long ack timeout: no redelivery may muddle what this test counts, even on a slow machine.
    HalfmsgConsumer consumer =
        started(
            consumer(group)
                .ackTimeout(Duration.ofSeconds(10))
                .subscribe(topic, "*", Deduction.class, handler));

    String id = stack.send(topic, "deduct", "{\"product\":\"sku-9\",\"count\":2}");

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(stack.attempts(id, group)).isEqualTo(1);
    assertThat(handler.calls(id)).isEqualTo(1);
    assertThat(app.effect(group, id)).isEqualTo(1);
    assertThat(app.dedupeRow(group, id)).isTrue();
    assertThat(handler.payloads).containsExactly(new Deduction("sku-9", 2));
    ReceivedMessage m = handler.messages.get(0);
    assertThat(m.messageId()).isEqualTo(id);
    assertThat(m.topic()).isEqualTo(topic);
    assertThat(m.tag()).isEqualTo("deduct");
    assertThat(m.keys()).containsExactly("k1", "k2");
    assertThat(m.properties()).containsEntry("traceId", "trace-1");
    assertThat(m.redelivery()).isFalse();
    assertThat(consumer.stats().handled()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.stats().acksSent() == 1);
  }

  /**
   * Health tells whether the consumer consumes: not before its start, not while RocketMQ has no
   * route for one of its topics (messages would wait), not after its close.
   */
  @Test
  void healthSaysWhetherItConsumes() {
    String topic = stack.newTopic("health");
    String group = "g_" + topic;
    HalfmsgConsumer consumer =
        consumer(group).subscribe(topic, "*", Deduction.class, new Handler(group)).build();
    consumers.add(consumer);
    assertThat(consumer.health().consuming()).isFalse();
    assertThat(consumer.health().detail()).isEqualTo("not started");

    consumer.start();
    assertThat(consumer.health()).isEqualTo(new ConsumerHealth(group, true, "consuming"));

    consumer.close();
    assertThat(consumer.health()).isEqualTo(new ConsumerHealth(group, false, "closed"));

    String missing = "never_created_" + UUID.randomUUID().toString().substring(0, 8);
    String otherGroup = "g_" + missing;
    HalfmsgConsumer waiting =
        started(
            consumer(otherGroup).subscribe(missing, "*", Deduction.class, new Handler(otherGroup)));
    assertThat(waiting.health().consuming()).isFalse();
    assertThat(waiting.health().detail()).contains(missing);
  }

  @Test
  void aConsumerThatDiesAfterItsCommitBeforeItsAckHasTheRedeliveryAbsorbedByTheDedupeRow() {
    String topic = stack.newTopic("dies");
    String group = "g_" + topic;
    Handler handler = new Handler(group);
    // The first instance commits its local transaction but its acks never leave the process.
    HalfmsgConsumer dying =
        started(
            consumer(group)
                .subscribe(topic, "*", Deduction.class, handler)
                .acks(api -> new RecordingAcks()));

    String id = stack.send(topic, "deduct", "{\"product\":\"p\",\"count\":1}");

    waiting().until(() -> app.effect(group, id) == 1);
    assertThat(stack.deliveryState(id, group)).isEqualTo("PENDING");
    dying.close();

    HalfmsgConsumer restarted =
        started(consumer(group).subscribe(topic, "*", Deduction.class, handler));

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(stack.attempts(id, group)).as("acked on the redelivery").isGreaterThanOrEqualTo(2);
    assertThat(handler.calls(id)).as("the handler ran only before the crash").isEqualTo(1);
    assertThat(app.effect(group, id)).isEqualTo(1);
    // At least the redelivery; the first copy too if RocketMQ had not stored the dead consumer's
    // offset.
    assertThat(restarted.stats().duplicates()).isGreaterThanOrEqualTo(1);
    assertThat(restarted.stats().handled()).isZero();
  }

  @Test
  void aHandlerThatFailsTwiceIsRetriedByTheBrokerAndAppliedOnce() {
    String topic = stack.newTopic("flaky");
    String group = "g_" + topic;
    Handler handler = new Handler(group);
    handler.failFirst = 2;
    HalfmsgConsumer consumer =
        started(consumer(group).subscribe(topic, "*", Deduction.class, handler));

    String id = stack.send(topic, "deduct", "{\"product\":\"p\",\"count\":1}");

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(handler.calls(id)).isEqualTo(3);
    assertThat(stack.attempts(id, group)).isEqualTo(3);
    assertThat(app.effect(group, id)).isEqualTo(1);
    assertThat(consumer.stats().failed()).isEqualTo(2);
    assertThat(consumer.stats().handled()).isEqualTo(1);
    assertThat(handler.messages.get(2).redelivery()).isTrue();
  }

  @Test
  void aHandlerThatNeverSucceedsEndsDeadAndIsAppliedOnceWhenReplayedAfterTheFix() {
    String topic = stack.newTopic("dead");
    String group = "g_" + topic;
    Handler handler = new Handler(group);
    handler.broken = true;
    started(consumer(group).maxAttempts(2).subscribe(topic, "*", Deduction.class, handler));

    String id = stack.send(topic, "deduct", "{\"product\":\"p\",\"count\":1}");

    waiting().until(() -> "DEAD".equals(stack.deliveryState(id, group)));
    assertThat(handler.calls(id)).isEqualTo(2);
    assertThat(app.effect(group, id)).isZero();
    assertThat(app.dedupeRow(group, id)).as("rolled back with the handler").isFalse();

    handler.broken = false;
    assertThat(stack.replay(id, group).status()).isEqualTo(200);

    waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    assertThat(handler.calls(id)).isEqualTo(3);
    assertThat(app.effect(group, id)).isEqualTo(1);
  }

  @Test
  void aGroupThatNeverAcksIsRedeliveredAloneWhileTheOtherGroupAppliesEachMessageOnce() {
    String topic = stack.newTopic("twogroups");
    String good = "good_" + topic;
    String laggard = "laggard_" + topic;
    Handler goodHandler = new Handler(good);
    Handler laggardHandler = new Handler(laggard);
    laggardHandler.broken = true;
    started(
        consumer(good)
            .ackTimeout(Duration.ofSeconds(10))
            .subscribe(topic, "*", Deduction.class, goodHandler));
    started(
        consumer(laggard).maxAttempts(3).subscribe(topic, "*", Deduction.class, laggardHandler));

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(stack.send(topic, "deduct", "{\"product\":\"p" + i + "\",\"count\":1}"));
    }

    for (String id : ids) {
      waiting().until(() -> "DEAD".equals(stack.deliveryState(id, laggard)));
    }
    for (String id : ids) {
      assertThat(stack.deliveryState(id, good)).isEqualTo("ACKED");
      assertThat(stack.attempts(id, good)).as("good group, %s", id).isEqualTo(1);
      assertThat(goodHandler.calls(id)).as("good group, %s", id).isEqualTo(1);
      assertThat(app.effect(good, id)).isEqualTo(1);
      assertThat(stack.attempts(id, laggard)).as("laggard, %s", id).isEqualTo(3);
      // Once per send, and once more for a send that came in a batch with others: the batch's
      // transaction rolled back and the message ran again alone (never with effect here).
      assertThat(laggardHandler.calls(id)).as("laggard, %s", id).isBetween(3, 6);
      assertThat(app.effect(laggard, id)).isZero();
    }
  }

  @Test
  void theTagExpressionFiltersMessagesAndTheBrokerWaitsForNoAckOfTheOthers() {
    String topic = stack.newTopic("tags");
    String group = "g_" + topic;
    Handler handler = new Handler(group);
    HalfmsgConsumer consumer =
        started(
            consumer(group)
                .ackTimeout(Duration.ofSeconds(2))
                .subscribe(topic, "deduct || adjust", Deduction.class, handler));

    String wanted = stack.send(topic, "deduct", "{\"product\":\"p\",\"count\":1}");
    String unwanted = stack.send(topic, "audit", "{\"product\":\"p\",\"count\":1}");

    waiting().until(() -> "ACKED".equals(stack.deliveryState(wanted, group)));
    assertThat(stack.attempts(wanted, group)).isEqualTo(1);
    // The subscription carries the tag expression: the broker made no delivery of the other tag
    // for this group, so nothing waits for an ack it would never get.
    assertThat(stack.delivery(unwanted, group).isMissingNode()).isTrue();
    assertThat(handler.calls(wanted)).isEqualTo(1);
    assertThat(handler.calls(unwanted)).isZero();
    assertThat(app.dedupeRow(group, unwanted)).isFalse();
    assertThat(consumer.stats().handled()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void startFailsClearlyWhenTheBrokerRefusesTheSubscription() {
    String topic = stack.newTopic("refused");
    HalfmsgConsumer consumer =
        consumer("g_" + topic)
            .token("not-a-token")
            .subscribe(topic, "*", String.class, (p, m, c) -> {})
            .build();

    assertThatThrownBy(consumer::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("g_" + topic)
        .hasMessageContaining("HTTP 401");
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void topicsAnEarlierInstanceRegisteredStayAndAreNamedInAWarning(CapturedOutput output) {
    String newer = stack.newTopic("newer");
    String older = stack.newTopic("older");
    String group = "g_" + older;
    // An instance of the newer version consumes both topics.
    started(
        consumer(group)
            .subscribe(newer, "*", String.class, (p, m, c) -> {})
            .subscribe(older, "*", String.class, (p, m, c) -> {}));

    // An instance of the older version restarts: it must not take the newer topic away.
    started(consumer(group).subscribe(older, "*", String.class, (p, m, c) -> {}));

    assertThat(output)
        .contains("also waits for acks of consumer group " + group + " on topics [" + newer + "]");
    String id = stack.send(newer, "deduct", "{}");
    waiting().until(() -> !stack.deliveryState(id, group).isEmpty());
  }

  @Test
  void aConsumerThatCannotStartLeavesNoThreadRunning() {
    String topic = stack.newTopic("twice");
    String group = "g_" + topic;
    // RocketMQ refuses a second consumer of one group in one client instance: the second start
    // fails after the dedupe purger has started.
    started(
        consumer(group).instanceName("same").subscribe(topic, "*", String.class, (p, m, c) -> {}));
    HalfmsgConsumer second =
        consumer(group)
            .instanceName("same")
            .dedupeRetention(Duration.ofDays(7))
            .subscribe(topic, "*", String.class, (p, m, c) -> {})
            .build();
    consumers.add(second);
    long purgersBefore = purgerThreads(group);

    assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class);

    await().atMost(Duration.ofSeconds(10)).until(() -> purgerThreads(group) == purgersBefore);
  }

  private static long purgerThreads(String group) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("halfmsg-dedupe-purge-" + group))
        .count();
  }

  private HalfmsgConsumer.Builder consumer(String group) {
    return stack
        .consumer(group)
        .dataSource(app.dataSource())
        .autoCreateDedupeTable(true)
        .ackTimeout(Duration.ofSeconds(1))
        .maxAttempts(5)
        .ackMaxDelay(Duration.ofMillis(10))
        .consumeThreads(4)
        .shutdownTimeout(Duration.ofSeconds(5));
  }

  private HalfmsgConsumer started(HalfmsgConsumer.Builder builder) {
    HalfmsgConsumer consumer = builder.build();
    consumers.add(consumer);
    return consumer.start();
  }

  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));
  }

  /** Counts its calls and applies each message as an effect row in the consumer's database. */
  static final class Handler implements MessageHandler<Deduction> {
    final String group;
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final List<Deduction> payloads = new CopyOnWriteArrayList<>();
    final List<ReceivedMessage> messages = new CopyOnWriteArrayList<>();
    volatile boolean broken;
    volatile int failFirst;

    Handler(String group) {
      this.group = group;
    }

    @Override
    public void handle(Deduction payload, ReceivedMessage message, Connection c)
        throws SQLException {
      int call =
          calls.computeIfAbsent(message.messageId(), k -> new AtomicInteger()).incrementAndGet();
      payloads.add(payload);
      messages.add(message);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO effect (consumer_group, message_id, n) VALUES (?, ?, 1)"
                  + " ON DUPLICATE KEY UPDATE n = n + 1")) {
        ps.setString(1, group);
        ps.setString(2, message.messageId());
        ps.executeUpdate();
      }
      if (broken || call <= failFirst) {
        throw new IllegalStateException("handler failure " + call + " (on purpose)");
      }
    }

    int calls(String messageId) {
      AtomicInteger n = calls.get(messageId);
      return n == null ? 0 : n.get();
    }
  }
}
