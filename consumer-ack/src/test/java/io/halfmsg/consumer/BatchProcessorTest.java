package io.halfmsg.consumer;

import static io.halfmsg.consumer.BatchFixture.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A RocketMQ batch in one local transaction, and its fallback to one transaction per message, on a
 * real MariaDB ({@link H2BatchProcessorTest}: the same on H2). Batches are made by hand, as
 * RocketMQ hands them to the listener.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchProcessorTest {

  private static final String GROUP = "stock-service";

  @RegisterExtension static TestDatabase db = new TestDatabase();

  record Item(String sku) {}

  HikariDataSource dataSource;
  CountingTransactions transactions;
  BatchFixture consumer;
  // One instance for all tests (PER_CLASS, for the overridable data source): reset before each.
  Map<String, AtomicInteger> calls;
  List<Connection> connections;
  List<Integer> acksSeenByHandlers;
  Set<String> failing;
  volatile CountDownLatch holdIn;
  volatile CountDownLatch release;
  volatile String holdAt;

  HikariDataSource openDataSource() {
    return TestStack.dataSource(db);
  }

  /** Transactions of this database waiting for a row lock. */
  int lockWaits() throws SQLException {
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

  @BeforeAll
  void schema() throws SQLException {
    dataSource = openDataSource();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      new DedupeTable(DedupeTable.DEFAULT_NAME).create(c);
      s.execute("CREATE TABLE effect (message_id VARCHAR(64) PRIMARY KEY, n INT NOT NULL)");
    }
  }

  @AfterAll
  void closePool() {
    dataSource.close();
  }

  @BeforeEach
  void setUp() {
    calls = new ConcurrentHashMap<>();
    connections = new CopyOnWriteArrayList<>();
    acksSeenByHandlers = new CopyOnWriteArrayList<>();
    failing = ConcurrentHashMap.newKeySet();
    transactions = new CountingTransactions(LocalTransactions.jdbc(dataSource));
    consumer = new BatchFixture(GROUP, "deduct || adjust", transactions, Item.class, this::apply);
  }

  /** Writes the message's effect row, then fails if asked to: the write must roll back then. */
  private void apply(Item item, ReceivedMessage m, Connection c) throws Exception {
    calls.computeIfAbsent(m.messageId(), k -> new AtomicInteger()).incrementAndGet();
    connections.add(c);
    acksSeenByHandlers.add(consumer.acked().size());
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO effect (message_id, n) VALUES (?, 1) ON DUPLICATE KEY UPDATE n = n + 1")) {
      ps.setString(1, m.messageId());
      ps.executeUpdate();
    }
    if (m.messageId().equals(holdAt)) {
      holdIn.countDown();
      if (!release.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    }
    if (failing.contains(m.messageId())) {
      throw new IllegalStateException("handler failure on " + m.messageId() + " (on purpose)");
    }
  }

  @Test
  void theNewMessagesOfABatchAreAppliedOnceInOneTransactionAndAckedAfterItsCommit() {
    List<String> ids = ids(5);

    consumer.process(messages(ids));

    assertThat(transactions.started()).as("one transaction for the batch").isEqualTo(1);
    assertThat(connections).hasSize(5).allSatisfy(c -> assertThat(c).isSameAs(connections.get(0)));
    assertThat(acksSeenByHandlers).as("no ack before the commit").containsOnly(0);
    ids.forEach(id -> assertAppliedOnce(id));
    assertThat(dedupeRows(ids)).isEqualTo(5);
    assertThat(consumer.acked()).containsExactlyElementsOf(ids);
    assertThat(consumer.stats().handled()).isEqualTo(5);
    assertThat(consumer.stats().batches()).isEqualTo(1);
    assertThat(consumer.stats().batchFallbacks()).isZero();
  }

  @Test
  void aBatchWithAMessageAppliedBeforeFallsBackAndOnlyThatOneIsSkipped() {
    List<String> ids = ids(3);
    consumer.process(messages(List.of(ids.get(1))));
    int before = transactions.started();

    // A redelivery of the middle one, between two new messages.
    consumer.process(messages(ids));

    assertThat(transactions.started() - before)
        .as("the batch, rolled back, then one per message")
        .isEqualTo(1 + 3);
    ids.forEach(id -> assertAppliedOnce(id));
    assertThat(consumer.acked()).containsExactly(ids.get(1), ids.get(0), ids.get(1), ids.get(2));
    assertThat(consumer.stats().handled()).isEqualTo(3);
    assertThat(consumer.stats().duplicates()).isEqualTo(1);
    assertThat(consumer.stats().batchFallbacks()).isEqualTo(1);
    assertThat(consumer.stats().batches()).isZero();
  }

  @Test
  void oneMessageTwiceInABatchIsAppliedOnce() {
    List<String> ids = ids(2);
    String a = ids.get(0);
    String b = ids.get(1);

    consumer.process(messages(List.of(a, b, a)));

    assertAppliedOnce(a);
    assertAppliedOnce(b);
    assertThat(consumer.acked()).containsExactly(a, b, a);
    assertThat(consumer.stats().duplicates()).isEqualTo(1);
    assertThat(consumer.stats().batchFallbacks()).isEqualTo(1);
  }

  @Test
  void aFailingHandlerRollsBackItsBatchTheOthersAreAppliedAloneAndItIsAppliedOnceWhenItRecovers() {
    List<String> ids = ids(4);
    String bad = ids.get(1);
    failing.add(bad);

    consumer.process(messages(ids));

    assertThat(calls(ids.get(0)))
        .as("ran in the batch (rolled back), then alone (committed)")
        .isEqualTo(2);
    for (String id : List.of(ids.get(0), ids.get(2), ids.get(3))) {
      assertAppliedOnce(id);
    }
    assertThat(effect(bad)).isZero();
    assertThat(dedupeRows(List.of(bad))).as("rolled back with its handler").isZero();
    assertThat(consumer.acked()).containsExactly(ids.get(0), ids.get(2), ids.get(3));
    assertThat(consumer.stats().failed()).isEqualTo(1);
    assertThat(consumer.stats().handled()).isEqualTo(3);
    assertThat(consumer.stats().batchFallbacks()).isEqualTo(1);

    // The broker's redelivery, once the handler works again, in a batch with a new message.
    failing.clear();
    String fresh = ids(1).get(0);
    consumer.process(messages(List.of(bad, fresh)));

    assertAppliedOnce(bad);
    assertAppliedOnce(fresh);
    assertThat(consumer.stats().batches()).isEqualTo(1);
    assertThat(consumer.acked()).endsWith(bad, fresh);
  }

  @Test
  void aBodyThatDoesNotConvertFailsAloneAndTheRestOfItsBatchIsApplied() {
    List<String> ids = ids(3);
    MessageExt[] batch = messages(ids);
    batch[1] = message(ids.get(1), "deduct", "not json");

    consumer.process(batch);

    assertAppliedOnce(ids.get(0));
    assertAppliedOnce(ids.get(2));
    assertThat(calls(ids.get(1))).isZero();
    assertThat(dedupeRows(List.of(ids.get(1)))).isZero();
    assertThat(consumer.acked()).containsExactly(ids.get(0), ids.get(2));
    assertThat(consumer.stats().failed()).isEqualTo(1);
    assertThat(consumer.stats().batchFallbacks()).isEqualTo(1);
  }

  @Test
  void skippedAndFilteredMessagesStayOutOfTheBatchTransaction() {
    List<String> ids = ids(3);
    String filtered = ids.get(0);

    consumer.process(
        message(null, "deduct", "{\"sku\":\"s\"}"),
        message(filtered, "audit", "{\"sku\":\"s\"}"),
        message(ids.get(1), "deduct", "{\"sku\":\"s\"}"),
        message(ids.get(2), "adjust", "{\"sku\":\"s\"}"));

    assertThat(transactions.started()).isEqualTo(1);
    assertThat(calls(filtered)).isZero();
    assertThat(dedupeRows(List.of(filtered))).isZero();
    assertAppliedOnce(ids.get(1));
    assertAppliedOnce(ids.get(2));
    assertThat(consumer.acked()).containsExactly(filtered, ids.get(1), ids.get(2));
    assertThat(consumer.stats().skipped()).isEqualTo(1);
    assertThat(consumer.stats().filtered()).isEqualTo(1);
    assertThat(consumer.stats().batches()).isEqualTo(1);
  }

  @Test
  void aBatchSharingAMessageWithARunningBatchWaitsForItAndThenSkipsThatMessage() throws Exception {
    List<String> ids = ids(3);
    String shared = ids.get(1);
    // The first batch stops in the shared message's handler, its dedupe rows uncommitted.
    holdAt = shared;
    holdIn = new CountDownLatch(1);
    release = new CountDownLatch(1);
    CompletableFuture<Void> first =
        CompletableFuture.runAsync(() -> consumer.process(messages(ids.subList(0, 2))));
    assertThat(holdIn.await(30, TimeUnit.SECONDS)).isTrue();
    holdAt = null;

    // A redelivery of the shared message in a batch with a new one, on another consume thread.
    CompletableFuture<Void> second =
        CompletableFuture.runAsync(() -> consumer.process(messages(ids.subList(1, 3))));
    await().atMost(Duration.ofSeconds(20)).until(() -> lockWaits() >= 1);
    assertThat(second).isNotDone();
    release.countDown();

    first.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);
    ids.forEach(id -> assertAppliedOnce(id));
    assertThat(calls(shared)).isEqualTo(1);
    assertThat(consumer.stats().batches()).isEqualTo(1);
    assertThat(consumer.stats().batchFallbacks()).isEqualTo(1);
    assertThat(consumer.stats().duplicates()).isEqualTo(1);
    assertThat(consumer.acked()).containsExactlyInAnyOrder(ids.get(0), shared, shared, ids.get(2));
  }

  private static List<String> ids(int n) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> "m-" + run + "-" + i).toList();
  }

  private static MessageExt[] messages(List<String> ids) {
    return ids.stream()
        .map(id -> message(id, "deduct", "{\"sku\":\"sku-" + id + "\"}"))
        .toArray(MessageExt[]::new);
  }

  private void assertAppliedOnce(String id) {
    assertThat(effect(id)).as("effect of %s", id).isEqualTo(1);
    assertThat(dedupeRows(List.of(id))).as("dedupe row of %s", id).isEqualTo(1);
  }

  private int calls(String id) {
    AtomicInteger n = calls.get(id);
    return n == null ? 0 : n.get();
  }

  private int effect(String id) {
    return query("SELECT n FROM effect WHERE message_id = ?", List.of(id));
  }

  private int dedupeRows(List<String> ids) {
    return query(
        "SELECT COUNT(*) FROM halfmsg_consumed WHERE consumer_group = '"
            + GROUP
            + "' AND message_id IN ("
            + String.join(", ", java.util.Collections.nCopies(ids.size(), "?"))
            + ")",
        ids);
  }

  private int query(String sql, List<String> params) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setString(i + 1, params.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
