package io.halfmsg.consumer;

import static org.awaitility.Awaitility.await;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How fast a consumer works off a backlog with one transaction per message and with batches: the
 * same stack as the tests (broker, embedded RocketMQ, MariaDB), a handler that inserts one row. Not
 * a test: run it on purpose, {@code -Dtest=ConsumeBatchMeasurement -Dhalfmsg.measure=true} ({@code
 * -Dhalfmsg.measure.messages=}, default 2000), and compare the lines it prints, which alternate the
 * two settings so that warm-up does not favour one of them.
 */
@EnabledIfSystemProperty(named = "halfmsg.measure", matches = "true")
class ConsumeBatchMeasurement {

  private static final int MESSAGES = Integer.getInteger("halfmsg.measure.messages", 2000);

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static AppDatabase app = new AppDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  static TestStack stack;
  static long forwarded;

  @BeforeAll
  static void start() throws SQLException {
    stack = TestStack.start(brokerDb, mq.instance());
    app.createEffectTable();
    try (Connection c = app.dataSource().getConnection()) {
      new DedupeTable(DedupeTable.DEFAULT_NAME).create(c);
    }
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void backlogWithOneTransactionPerMessageAndPerBatch() {
    List<String> lines = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int batchSize : new int[] {1, 32}) {
        lines.add(measure(batchSize));
      }
    }
    lines.forEach(System.out::println);
  }

  private static String measure(int batchSize) {
    String topic = stack.newTopic("measure");
    String group = "g_" + topic;
    CountingTransactions transactions =
        new CountingTransactions(LocalTransactions.jdbc(app.dataSource()));
    try (HalfmsgConsumer consumer =
        HalfmsgConsumer.builder()
            .brokerUrls(stack.brokerUrl())
            .token(BrokerClient.CONSUMER_TOKEN)
            .namesrvAddr(stack.namesrvAddr())
            .consumerGroup(group)
            .transactions(transactions)
            .ackTimeout(Duration.ofMinutes(5))
            .consumeBatchSize(batchSize)
            .subscribe(topic, "*", String.class, (body, m, c) -> insert(c, group, m.messageId()))
            .build()
            .start()) {
      consumer.rocketMqConsumer().suspend();
      send(topic);
      int atStart = transactions.started();
      long t0 = System.nanoTime();
      consumer.rocketMqConsumer().resume();
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> applied(group) == MESSAGES);
      double seconds = (System.nanoTime() - t0) / 1e9;
      return String.format(
          "consumeBatchSize=%2d: %d messages applied in %.2f s = %.0f messages/s, %d transactions,"
              + " %d batches, %d fallbacks",
          batchSize,
          MESSAGES,
          seconds,
          MESSAGES / seconds,
          transactions.started() - atStart,
          consumer.stats().batches(),
          consumer.stats().batchFallbacks());
    }
  }

  /** Sends the backlog from 8 threads and waits until RocketMQ holds all of it. */
  private static void send(String topic) {
    ExecutorService senders = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<String>> sent = new ArrayList<>();
      for (int i = 0; i < MESSAGES; i++) {
        sent.add(CompletableFuture.supplyAsync(() -> stack.send(topic, "t", "body"), senders));
      }
      sent.forEach(CompletableFuture::join);
    } finally {
      senders.shutdown();
    }
    forwarded += MESSAGES;
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> stack.messagesIn("FORWARDED") >= forwarded);
  }

  private static void insert(Connection c, String group, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO effect (consumer_group, message_id, n) VALUES (?, ?, 1)")) {
      ps.setString(1, group);
      ps.setString(2, id);
      ps.executeUpdate();
    }
  }

  private static long applied(String group) throws SQLException {
    try (Connection c = app.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM effect WHERE consumer_group = ?")) {
      ps.setString(1, group);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
