package io.halfmsg.consumer;

import static io.halfmsg.consumer.BatchFixture.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two batches whose handlers update the same rows in opposite orders, as an order consumer's stock
 * updates do: the database breaks the deadlock by rolling one back and asks for a retry. The batch
 * is retried as a batch, not taken apart into one transaction per message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchDeadlockTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  record Deduction(String sku) {}

  HikariDataSource dataSource;

  @BeforeAll
  void schema() throws SQLException {
    dataSource = TestStack.dataSource(db);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      new DedupeTable(DedupeTable.DEFAULT_NAME).create(c);
      s.execute("CREATE TABLE stock (sku VARCHAR(16) PRIMARY KEY, quantity INT NOT NULL)");
      s.execute("INSERT INTO stock VALUES ('x', 100), ('y', 100)");
    }
  }

  @AfterAll
  void closePool() {
    dataSource.close();
  }

  @Test
  void aBatchTheDatabaseRolledBackForADeadlockIsRetriedAsABatch() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    // The first handler of each batch holds its row until the other batch holds its own: then
    // each batch's second handler wants the row the other holds.
    CountDownLatch bothHoldARow = new CountDownLatch(2);
    BatchFixture consumer =
        new BatchFixture(
            "stock-service",
            "*",
            LocalTransactions.jdbc(dataSource),
            Deduction.class,
            (d, m, c) -> {
              int call =
                  calls.computeIfAbsent(m.messageId(), k -> new AtomicInteger()).incrementAndGet();
              try (PreparedStatement ps =
                  c.prepareStatement("UPDATE stock SET quantity = quantity - 1 WHERE sku = ?")) {
                ps.setString(1, d.sku());
                ps.executeUpdate();
              }
              if (m.messageId().endsWith("-first") && call == 1) {
                bothHoldARow.countDown();
                assertThat(bothHoldARow.await(30, TimeUnit.SECONDS)).isTrue();
              }
            });
    MessageExt[] a = {deduction("a-" + run + "-first", "x"), deduction("a-" + run, "y")};
    MessageExt[] b = {deduction("b-" + run + "-first", "y"), deduction("b-" + run, "x")};

    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> consumer.process(a));
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> consumer.process(b));
    first.get(60, TimeUnit.SECONDS);
    second.get(60, TimeUnit.SECONDS);

    assertThat(quantity("x")).isEqualTo(98);
    assertThat(quantity("y")).isEqualTo(98);
    assertThat(consumer.stats().handled()).isEqualTo(4);
    assertThat(consumer.stats().batches()).as("both committed as batches").isEqualTo(2);
    assertThat(consumer.stats().batchFallbacks()).as("none taken apart").isZero();
    assertThat(calls.values().stream().mapToInt(AtomicInteger::get).sum())
        .as("the rolled-back batch's handlers ran once more")
        .isEqualTo(6);
  }

  private static MessageExt deduction(String id, String sku) {
    return message(id, "deduct", "{\"sku\":\"" + sku + "\"}");
  }

  private int quantity(String sku) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement("SELECT quantity FROM stock WHERE sku = ?")) {
      ps.setString(1, sku);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
