package io.halfmsg.consumer.spring;

import static io.halfmsg.consumer.BatchFixture.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.consumer.BatchFixture;
import io.halfmsg.consumer.CountingTransactions;
import io.halfmsg.consumer.TestStack;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A RocketMQ batch on Spring's transaction manager, as {@code @HalfmsgListener} methods get it:
 * their {@code JdbcTemplate} writes join the batch's one transaction and roll back with it.
 */
class SpringBatchTransactionsTest {

  private static final String GROUP = "repo-service";

  @RegisterExtension static TestDatabase db = new TestDatabase();
  static HikariDataSource dataSource;
  static JdbcTemplate jdbc;

  CountingTransactions transactions;
  BatchFixture consumer;
  final List<Object> transactionResources = new CopyOnWriteArrayList<>();
  final Set<String> failing = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void schema() throws SQLException {
    dataSource = TestStack.dataSource(db);
    jdbc = new JdbcTemplate(dataSource);
    jdbc.execute(
        "CREATE TABLE stock_deduction (message_id VARCHAR(64) PRIMARY KEY, writes INT NOT NULL)");
    BatchFixture.createDedupeTable(dataSource);
  }

  @AfterAll
  static void closePool() {
    dataSource.close();
  }

  @BeforeEach
  void setUp() {
    transactions =
        new CountingTransactions(
            new SpringTransactions(new DataSourceTransactionManager(dataSource), dataSource));
    consumer =
        new BatchFixture(
            GROUP,
            "*",
            transactions,
            String.class,
            (body, m, c) -> {
              // What a listener does: no connection in sight, only the template.
              transactionResources.add(TransactionSynchronizationManager.getResource(dataSource));
              jdbc.update(
                  "INSERT INTO stock_deduction (message_id, writes) VALUES (?, 1)"
                      + " ON DUPLICATE KEY UPDATE writes = writes + 1",
                  m.messageId());
              if (failing.contains(m.messageId())) {
                throw new IllegalArgumentException("listener failure (on purpose)");
              }
            });
  }

  @Test
  void theListenersOfABatchWriteThroughJdbcTemplateInItsOneTransaction() {
    List<String> ids = ids(4);
    int before = transactions.started();

    consumer.process(messages(ids));

    assertThat(transactions.started() - before).isEqualTo(1);
    assertThat(transactionResources)
        .hasSize(4)
        .doesNotContainNull()
        .allSatisfy(r -> assertThat(r).isSameAs(transactionResources.get(0)));
    ids.forEach(id -> assertThat(writes(id)).as("writes of %s", id).isEqualTo(1));
    assertThat(dedupeRows(ids)).isEqualTo(4);
    assertThat(consumer.acked()).containsExactlyElementsOf(ids);
    assertThat(consumer.stats().batches()).isEqualTo(1);
  }

  @Test
  void aListenerFailingInABatchRollsBackTheJdbcTemplateWritesOfItsNeighboursToo() {
    List<String> ids = ids(3);
    String bad = ids.get(1);
    failing.add(bad);

    consumer.process(messages(ids));

    // The first one wrote in the batch, and again alone: once, if the batch's write rolled back.
    assertThat(writes(ids.get(0))).isEqualTo(1);
    assertThat(writes(ids.get(2))).isEqualTo(1);
    assertThat(writes(bad)).isZero();
    assertThat(dedupeRows(List.of(bad))).isZero();
    assertThat(consumer.acked()).containsExactly(ids.get(0), ids.get(2));
    assertThat(consumer.stats().batchFallbacks()).isEqualTo(1);
    assertThat(consumer.stats().failed()).isEqualTo(1);
  }

  private static List<String> ids(int n) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    return IntStream.range(0, n).mapToObj(i -> "m-" + run + "-" + i).toList();
  }

  private static MessageExt[] messages(List<String> ids) {
    return ids.stream().map(id -> message(id, "deduct", "body")).toArray(MessageExt[]::new);
  }

  private static int writes(String id) {
    return jdbc
        .queryForList("SELECT writes FROM stock_deduction WHERE message_id = ?", Integer.class, id)
        .stream()
        .findFirst()
        .orElse(0);
  }

  private static int dedupeRows(List<String> ids) {
    return ids.stream()
        .mapToInt(
            id ->
                jdbc.queryForObject(
                    "SELECT COUNT(*) FROM halfmsg_consumed WHERE consumer_group = ? AND message_id"
                        + " = ?",
                    Integer.class,
                    GROUP,
                    id))
        .sum();
  }
}
