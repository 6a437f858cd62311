package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RocketMQ batches through the whole stack: the real broker (in-process, over HTTP), an embedded
 * RocketMQ and the consumer's own MariaDB database. Each test pauses the RocketMQ consumer while
 * its messages are sent to a topic with one queue, so that they wait there and reach the listener
 * together when it resumes, as a backlog does after a consumer was down or slow.
 */
class HalfmsgConsumerBatchTest {

  private static final int BACKLOG = 12;

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static AppDatabase app = new AppDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  static TestStack stack;

  record Deduction(String product, int count) {}

  final List<HalfmsgConsumer> consumers = new ArrayList<>();

  @BeforeAll
  static void start() throws SQLException {
    stack = TestStack.start(brokerDb, mq.instance());
    app.createEffectTable();
    try (Connection c = app.dataSource().getConnection()) {
      new DedupeTable(DedupeTable.DEFAULT_NAME).create(c);
    }
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
  void aBacklogIsAppliedInBatchTransactionsEachMessageOnceAndAcked() {
    String topic = stack.newTopic("batch", 1);
    String group = "g_" + topic;
    Handler handler = new Handler(group);
    CountingTransactions transactions = transactions();
    HalfmsgConsumer consumer =
        started(
            consumer(group, transactions)
                .ackTimeout(Duration.ofSeconds(10))
                .subscribe(topic, "*", Deduction.class, handler));
    int atStart = transactions.started();

    List<String> ids = backlog(consumer, topic, sent -> {});

    for (String id : ids) {
      waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    }
    for (String id : ids) {
      assertThat(handler.calls(id)).as("calls of %s", id).isEqualTo(1);
      assertThat(app.effect(group, id)).as("effect of %s", id).isEqualTo(1);
      assertThat(stack.attempts(id, group)).as("sends of %s", id).isEqualTo(1);
    }
    // The paused consumer's pull in flight may still bring the first message or two alone.
    assertThat(transactions.started() - atStart).isLessThanOrEqualTo(BACKLOG / 2);
    assertThat(handler.largestShareOfOneConnection()).isGreaterThanOrEqualTo(BACKLOG / 2);
    assertThat(consumer.stats().batches()).isGreaterThanOrEqualTo(1);
    assertThat(consumer.stats().batchFallbacks()).isZero();
    assertThat(consumer.stats().handled()).isEqualTo(BACKLOG);
  }

  @Test
  void withABatchSizeOfOneEveryMessageHasATransactionOfItsOwn() {
    String topic = stack.newTopic("single", 1);
    String group = "g_" + topic;
    Handler handler = new Handler(group);
    CountingTransactions transactions = transactions();
    HalfmsgConsumer consumer =
        started(
            consumer(group, transactions)
                .consumeBatchSize(1)
                .ackTimeout(Duration.ofSeconds(10))
                .subscribe(topic, "*", Deduction.class, handler));
    int atStart = transactions.started();

    List<String> ids = backlog(consumer, topic, sent -> {});

    for (String id : ids) {
      waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
      assertThat(app.effect(group, id)).isEqualTo(1);
    }
    assertThat(transactions.started() - atStart).isEqualTo(BACKLOG);
    assertThat(handler.largestShareOfOneConnection()).isEqualTo(1);
    assertThat(consumer.stats().batches()).isZero();
  }

  @Test
  void aBacklogHoldingAMessageAppliedBeforeFallsBackAndAppliesTheOthersOnce() {
    String topic = stack.newTopic("applied", 1);
    String group = "g_" + topic;
    Handler handler = new Handler(group);
    HalfmsgConsumer consumer =
        started(
            consumer(group, transactions())
                .ackTimeout(Duration.ofSeconds(10))
                .subscribe(topic, "*", Deduction.class, handler));
    List<String> applied = new ArrayList<>();

    // The last message was applied by an instance that crashed before RocketMQ stored its
    // offset, so it comes again in one pull with messages nobody applied yet.
    List<String> ids =
        backlog(
            consumer,
            topic,
            sent -> {
              applied.add(sent.get(sent.size() - 1));
              applyAsAnEarlierInstanceDid(group, applied.get(0));
            });

    for (String id : ids) {
      waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    }
    assertThat(handler.calls(applied.get(0))).as("applied before: not again").isZero();
    for (String id : ids) {
      assertThat(app.effect(group, id)).as("effect of %s", id).isEqualTo(1);
      if (!applied.contains(id)) {
        assertThat(handler.calls(id)).as("calls of %s", id).isEqualTo(1);
      }
    }
    assertThat(consumer.stats().batchFallbacks()).isGreaterThanOrEqualTo(1);
    assertThat(consumer.stats().duplicates()).isEqualTo(1);
    assertThat(consumer.stats().handled()).isEqualTo(BACKLOG - 1);
  }

  @Test
  void aHandlerFailingOnOneMessageOfABatchLeavesOnlyThatOneUnackedUntilItRecovers() {
    String topic = stack.newTopic("failing", 1);
    String group = "g_" + topic;
    Handler handler = new Handler(group);
    HalfmsgConsumer consumer =
        started(
            consumer(group, transactions())
                .ackTimeout(Duration.ofSeconds(2))
                .subscribe(topic, "*", Deduction.class, handler));

    List<String> ids = backlog(consumer, topic, sent -> handler.failing.add(sent.get(BACKLOG - 2)));
    String bad = ids.get(BACKLOG - 2);
    List<String> others = ids.stream().filter(id -> !id.equals(bad)).toList();

    for (String id : others) {
      waiting().until(() -> "ACKED".equals(stack.deliveryState(id, group)));
    }
    // Its batch's run and its own transaction's run have both failed.
    waiting().until(() -> handler.calls(bad) >= 2);
    assertThat(stack.deliveryState(bad, group)).isEqualTo("PENDING");
    assertThat(app.effect(group, bad)).isZero();
    assertThat(app.dedupeRow(group, bad)).isFalse();
    for (String id : others) {
      assertThat(app.effect(group, id)).as("effect of %s", id).isEqualTo(1);
    }
    assertThat(others)
        .as("neighbours that ran in the rolled-back batch and again alone")
        .anyMatch(id -> handler.calls(id) == 2);
    assertThat(consumer.stats().batchFallbacks()).isGreaterThanOrEqualTo(1);
    assertThat(consumer.stats().failed()).isGreaterThanOrEqualTo(1);

    handler.failing.clear();

    waiting().until(() -> "ACKED".equals(stack.deliveryState(bad, group)));
    assertThat(app.effect(group, bad)).isEqualTo(1);
    assertThat(stack.attempts(bad, group)).isGreaterThanOrEqualTo(2);
    for (String id : others) {
      assertThat(app.effect(group, id)).as("effect of %s", id).isEqualTo(1);
    }
  }

  /**
   * Sends {@value #BACKLOG} messages while the consumer's RocketMQ consumer does not pull, lets
   * {@code beforeResume} see their ids once RocketMQ stores them all, then resumes consuming.
   */
  private static List<String> backlog(
      HalfmsgConsumer consumer, String topic, Consumer<List<String>> beforeResume) {
    consumer.rocketMqConsumer().suspend();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < BACKLOG; i++) {
      ids.add(stack.send(topic, "deduct", "{\"product\":\"p" + i + "\",\"count\":1}"));
    }
    for (String id : ids) {
      waiting().until(() -> "FORWARDED".equals(stack.messageState(id)));
    }
    beforeResume.accept(ids);
    consumer.rocketMqConsumer().resume();
    return ids;
  }

  private static CountingTransactions transactions() {
    return new CountingTransactions(LocalTransactions.jdbc(app.dataSource()));
  }

  private HalfmsgConsumer.Builder consumer(String group, LocalTransactions transactions) {
    return stack
        .consumer(group)
        .transactions(transactions)
        .maxAttempts(10)
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

  /** Counts calls, remembers each call's connection, applies an effect row; fails on request. */
  static final class Handler implements MessageHandler<Deduction> {
    final String group;
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final List<Connection> connections = new CopyOnWriteArrayList<>();
    final Set<String> failing = ConcurrentHashMap.newKeySet();

    Handler(String group) {
      this.group = group;
    }

    @Override
    public void handle(Deduction payload, ReceivedMessage message, Connection c)
        throws SQLException {
      calls.computeIfAbsent(message.messageId(), k -> new AtomicInteger()).incrementAndGet();
      connections.add(c);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO effect (consumer_group, message_id, n) VALUES (?, ?, 1)"
                  + " ON DUPLICATE KEY UPDATE n = n + 1")) {
        ps.setString(1, group);
        ps.setString(2, message.messageId());
        ps.executeUpdate();
      }
      if (failing.contains(message.messageId())) {
        throw new IllegalStateException("handler failure on " + message.messageId());
      }
    }

    int calls(String messageId) {
      AtomicInteger n = calls.get(messageId);
      return n == null ? 0 : n.get();
    }

    /**
     * The most calls that got one connection object: the size of the largest batch transaction (the
     * pool hands out a new proxy per transaction).
     */
    int largestShareOfOneConnection() {
      Map<Connection, Integer> perConnection = new IdentityHashMap<>();
      connections.forEach(c -> perConnection.merge(c, 1, Integer::sum));
      return perConnection.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }
  }

  /** The dedupe row and the effect, committed together, as the consumer would have. */
  private static void applyAsAnEarlierInstanceDid(String group, String messageId) {
    try (Connection c = app.dataSource().getConnection()) {
      c.setAutoCommit(false);
      new DedupeTable(DedupeTable.DEFAULT_NAME).insert(c, group, messageId, Instant.now());
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO effect (consumer_group, message_id, n) VALUES (?, ?, 1)")) {
        ps.setString(1, group);
        ps.setString(2, messageId);
        ps.executeUpdate();
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
