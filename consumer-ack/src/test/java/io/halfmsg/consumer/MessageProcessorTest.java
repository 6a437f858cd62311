package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.api.RocketMqHeaders;
import io.halfmsg.consumer.MessageProcessor.Outcome;
import io.halfmsg.testsupport.db.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-message transaction on a real MariaDB: dedupe row, handler, rollback, ack. */
class MessageProcessorTest {

  private static final String GROUP = "stock-service";
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123456Z");

  @RegisterExtension static TestDatabase db = new TestDatabase();
  static HikariDataSource dataSource;

  record Deduction(String product, int count) {}

  final RecordingAcks acks = new RecordingAcks();
  final AtomicInteger calls = new AtomicInteger();
  volatile MessageHandler<Deduction> handler;
  MessageProcessor processor;

  @BeforeAll
  static void schema() throws SQLException {
    dataSource = TestStack.dataSource(db);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      DedupeTable table = new DedupeTable(DedupeTable.DEFAULT_NAME);
      table.create(c);
      table.create(c); // IF NOT EXISTS: twice is fine
      s.execute("CREATE TABLE stock (product VARCHAR(64) PRIMARY KEY, deducted INT NOT NULL)");
    }
  }

  @AfterAll
  static void closePool() {
    dataSource.close();
  }

  @BeforeEach
  void setUp() {
    handler = (d, m, c) -> deduct(c, d);
    ObjectMapper json = new ObjectMapper();
    processor =
        new MessageProcessor(
            GROUP,
            Map.of(
                "deduction",
                new Subscription(
                    "deduction",
                    TagExpression.parse("deduct || adjust"),
                    json.constructType(Deduction.class),
                    (p, m, c) -> {
                      calls.incrementAndGet();
                      handler.handle((Deduction) p, m, c);
                    })),
            LocalTransactions.jdbc(dataSource),
            new DedupeTable(DedupeTable.DEFAULT_NAME),
            new PayloadReader(json),
            acks,
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void appliesOnceCommitsTheDedupeRowAndThenAcks() throws Exception {
    String id = "m-" + System.nanoTime();

    assertThat(processor.process(message(id, "deduct", "{\"product\":\"p1\",\"count\":2}")))
        .isEqualTo(Outcome.HANDLED);
    assertThat(processor.process(message(id, "deduct", "{\"product\":\"p1\",\"count\":2}")))
        .isEqualTo(Outcome.DUPLICATE);

    assertThat(calls).hasValue(1);
    assertThat(deducted("p1")).isEqualTo(2);
    assertThat(acks.acked()).containsExactly(id, id);
    assertThat(processor.stats().handled()).isEqualTo(1);
    assertThat(processor.stats().duplicates()).isEqualTo(1);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT consumed_at FROM halfmsg_consumed WHERE consumer_group = ? AND message_id"
                    + " = ?")) {
      ps.setString(1, GROUP);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getObject(1, java.time.LocalDateTime.class))
            .as("UTC, whatever the JVM and session zones")
            .isEqualTo(NOW.atOffset(ZoneOffset.UTC).toLocalDateTime());
      }
    }
  }

  @Test
  void aFailingHandlerRollsBackItsWorkAndTheDedupeRowAndIsNotAcked() throws Exception {
    String id = "m-" + System.nanoTime();
    handler =
        (d, m, c) -> {
          deduct(c, d);
          throw new IllegalStateException("boom");
        };

    assertThat(processor.process(message(id, "deduct", "{\"product\":\"p2\",\"count\":1}")))
        .isEqualTo(Outcome.FAILED);

    assertThat(deducted("p2")).isZero();
    assertThat(dedupeRows(id)).isZero();
    assertThat(acks.acked()).isEmpty();

    handler = (d, m, c) -> deduct(c, d);
    assertThat(processor.process(message(id, "deduct", "{\"product\":\"p2\",\"count\":1}")))
        .as("the redelivery applies it")
        .isEqualTo(Outcome.HANDLED);
    assertThat(deducted("p2")).isEqualTo(1);
    assertThat(acks.acked()).containsExactly(id);
  }

  @Test
  void aBodyThatDoesNotConvertIsAFailureNotAnAck() {
    String id = "m-" + System.nanoTime();

    assertThat(processor.process(message(id, "deduct", "not json"))).isEqualTo(Outcome.FAILED);

    assertThat(calls).hasValue(0);
    assertThat(dedupeRows(id)).isZero();
    assertThat(acks.acked()).isEmpty();
  }

  @Test
  void aConcurrentDuplicateWaitsForTheFirstAndThenSkipsTheHandler() throws Exception {
    String id = "m-" + System.nanoTime();
    CountDownLatch firstInHandler = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    handler =
        (d, m, c) -> {
          deduct(c, d);
          firstInHandler.countDown();
          if (!releaseFirst.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
        };
    MessageExt copy = message(id, "deduct", "{\"product\":\"p3\",\"count\":5}");

    CompletableFuture<Outcome> first = CompletableFuture.supplyAsync(() -> processor.process(copy));
    assertThat(firstInHandler.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Outcome> second =
        CompletableFuture.supplyAsync(() -> processor.process(copy));
    // The second copy's INSERT IGNORE waits on the first one's uncommitted dedupe row.
    await().atMost(Duration.ofSeconds(20)).until(() -> lockWaits() >= 1);
    assertThat(second).isNotDone();
    releaseFirst.countDown();

    assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.HANDLED);
    assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.DUPLICATE);
    assertThat(calls).hasValue(1);
    assertThat(deducted("p3")).isEqualTo(5);
    assertThat(acks.acked()).containsExactly(id, id);
  }

  @Test
  void aConcurrentCopyOfAMessageWhoseFirstRunFailsRunsTheHandlerItself() throws Exception {
    String id = "m-" + System.nanoTime();
    CountDownLatch firstInHandler = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicInteger run = new AtomicInteger();
    handler =
        (d, m, c) -> {
          if (run.incrementAndGet() == 1) {
            firstInHandler.countDown();
            releaseFirst.await(30, TimeUnit.SECONDS);
            throw new IllegalStateException("first run fails");
          }
          deduct(c, d);
        };
    MessageExt copy = message(id, "deduct", "{\"product\":\"p4\",\"count\":1}");

    CompletableFuture<Outcome> first = CompletableFuture.supplyAsync(() -> processor.process(copy));
    assertThat(firstInHandler.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Outcome> second =
        CompletableFuture.supplyAsync(() -> processor.process(copy));
    await().atMost(Duration.ofSeconds(20)).until(() -> lockWaits() >= 1);
    releaseFirst.countDown();

    assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.FAILED);
    assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.HANDLED);
    assertThat(deducted("p4")).isEqualTo(1);
    assertThat(acks.acked()).containsExactly(id);
  }

  @Test
  void aMessageWithoutAValidHalfmsgIdIsSkippedAndNotAcked() {
    MessageExt plain = message(null, "deduct", "{\"product\":\"p5\",\"count\":1}");
    MessageExt tooLong = message("x".repeat(65), "deduct", "{\"product\":\"p5\",\"count\":1}");

    assertThat(processor.process(plain)).isEqualTo(Outcome.SKIPPED);
    assertThat(processor.process(tooLong)).isEqualTo(Outcome.SKIPPED);

    assertThat(calls).hasValue(0);
    assertThat(acks.acked()).isEmpty();
    assertThat(processor.stats().skipped()).isEqualTo(2);
  }

  @Test
  void aRedeliveredMessageWithATagTheGroupDoesNotWantIsAckedWithoutTheHandler() {
    String id = "m-" + System.nanoTime();

    assertThat(processor.process(message(id, "other", "{}"))).isEqualTo(Outcome.FILTERED);
    assertThat(processor.process(message(id + "b", "adjust", "{\"product\":\"p6\",\"count\":1}")))
        .isEqualTo(Outcome.HANDLED);

    assertThat(calls).hasValue(1);
    assertThat(acks.acked()).containsExactly(id, id + "b");
  }

  @Test
  void theHandlerSeesTheMessageMetadata() {
    String id = "m-" + System.nanoTime();
    List<ReceivedMessage> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    handler = (d, m, c) -> seen.add(m);
    MessageExt m = message(id, "deduct", "{\"product\":\"p7\",\"count\":1}");
    m.setKeys("order-1 sku-9");
    m.putUserProperty("traceId", "t-1");
    MessageAccessor.putProperty(m, MessageConst.PROPERTY_RETRY_TOPIC, "deduction");

    processor.process(m);

    assertThat(seen).singleElement();
    ReceivedMessage r = seen.get(0);
    assertThat(r.messageId()).isEqualTo(id);
    assertThat(r.consumerGroup()).isEqualTo(GROUP);
    assertThat(r.topic()).isEqualTo("deduction");
    assertThat(r.tag()).isEqualTo("deduct");
    assertThat(r.keys()).containsExactly("order-1", "sku-9");
    assertThat(r.properties())
        .containsEntry("traceId", "t-1")
        .containsKey(RocketMqHeaders.MESSAGE_ID);
    assertThat(r.properties())
        .doesNotContainKeys(MessageConst.PROPERTY_TAGS, MessageConst.PROPERTY_KEYS);
    assertThat(r.redelivery()).isTrue();
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("p7");
  }

  @Test
  void startFailsClearlyWhenTheDedupeTableIsMissing() {
    HalfmsgConsumer consumer =
        HalfmsgConsumer.builder()
            .brokerUrls("http://127.0.0.1:1")
            .namesrvAddr("127.0.0.1:1")
            .consumerGroup(GROUP)
            .dataSource(dataSource)
            .dedupeTable("no_such_table")
            .subscribe("deduction", "*", String.class, (p, m, c) -> {})
            .build();

    assertThatThrownBy(consumer::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no_such_table")
        .hasMessageContaining("halfmsg_consumed-mysql.sql");
  }

  private static MessageExt message(String halfmsgId, String tag, String body) {
    MessageExt m = new MessageExt();
    m.setTopic("deduction");
    m.setTags(tag);
    m.setBody(body.getBytes(StandardCharsets.UTF_8));
    m.setMsgId("rmq-" + System.nanoTime());
    if (halfmsgId != null) {
      m.putUserProperty(RocketMqHeaders.MESSAGE_ID, halfmsgId);
    }
    return m;
  }

  private static void deduct(Connection c, Deduction d) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO stock (product, deducted) VALUES (?, ?)"
                + " ON DUPLICATE KEY UPDATE deducted = deducted + VALUES(deducted)")) {
      ps.setString(1, d.product());
      ps.setInt(2, d.count());
      ps.executeUpdate();
    }
  }

  private static int deducted(String product) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT deducted FROM stock WHERE product = ?")) {
      ps.setString(1, product);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private static int dedupeRows(String id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM halfmsg_consumed WHERE message_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int lockWaits() throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'"
                    + " AND trx_mysql_thread_id IN (SELECT id FROM information_schema.PROCESSLIST"
                    + " WHERE db = DATABASE())")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
