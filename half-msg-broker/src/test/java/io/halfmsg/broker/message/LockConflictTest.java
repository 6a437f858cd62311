package io.halfmsg.broker.message;

import static io.halfmsg.broker.BrokerClient.commitOf;
import static io.halfmsg.broker.message.MessageApiTest.message;
import static io.halfmsg.broker.message.MessageApiTest.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.testsupport.db.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Real MariaDB lock failures in a decision batch's transaction: a deadlock the broker loses, a lock
 * wait timeout that clears before the tries are spent (both answered normally), and a lock held
 * longer than all tries (503 with Retry-After). The test holds the locks on a connection of its
 * own; the broker's lock wait timeout is 1 s so that this is quick.
 */
@BrokerTest(
    properties = {
      "halfmsg.check-back.first-check-after=1h",
      "halfmsg.api.retry-after=2s",
      "spring.datasource.hikari.connection-init-sql=SET SESSION innodb_lock_wait_timeout = 1"
    })
class LockConflictTest {

  private static final String RETRIES = "halfmsg.store.lock-conflict.retries";

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;
  @Autowired MeterRegistry meters;
  BrokerClient producer;

  @BeforeEach
  void client() {
    producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
  }

  @Test
  void aBatchThatLosesADeadlockIsRunAgainAndAnswered() throws Exception {
    // a sorts first, so the broker locks it first and then waits for b.
    String a = "a-" + newId();
    String b = "b-" + newId();
    prepare(a, b);
    double retriesBefore = retries();
    try (Connection holder = db.connect()) {
      try (Statement s = holder.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS scratch (id INT PRIMARY KEY) ENGINE = InnoDB");
        s.execute("DELETE FROM scratch");
      }
      holder.setAutoCommit(false);
      // Heavy on purpose: InnoDB rolls back the transaction that changed fewer rows, the broker's.
      try (PreparedStatement s = holder.prepareStatement("INSERT INTO scratch (id) VALUES (?)")) {
        for (int i = 0; i < 500; i++) {
          s.setInt(1, i);
          s.addBatch();
        }
        s.executeBatch();
      }
      lock(holder, b);
      CompletableFuture<Response> batch =
          CompletableFuture.supplyAsync(() -> producer.decide(List.of(commitOf(a), commitOf(b))));
      // The broker holds a and waits for b; asking for a now closes the cycle.
      await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits() > 0);
      lock(holder, a);
      holder.commit();

      Response r = batch.join();

      assertThat(MessageBatchApiTest.results(r))
          .allSatisfy(x -> assertThat(x.path("status").asInt()).isEqualTo(200));
    }
    assertThat(retries()).isGreaterThan(retriesBefore);
  }

  @Test
  void aLockWaitTimeoutThatClearsWithinTheTriesIsNotA503() throws Exception {
    String a = newId();
    prepare(a);
    double retriesBefore = retries();
    CompletableFuture<Response> commit;
    try (Connection holder = db.connect()) {
      holder.setAutoCommit(false);
      lock(holder, a);
      commit = CompletableFuture.supplyAsync(() -> producer.commit(a));
      await().atMost(Duration.ofSeconds(10)).until(() -> retries() > retriesBefore);
      holder.rollback();
    }

    Response r = commit.join();

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.text("state")).isEqualTo("COMMITTED");
  }

  @Test
  void aLockHeldLongerThanAllTriesIs503WithRetryAfterAndNothingChanges() throws Exception {
    String a = newId();
    prepare(a);
    try (Connection holder = db.connect()) {
      holder.setAutoCommit(false);
      lock(holder, a);

      Response r = producer.commit(a);

      assertThat(r.status()).isEqualTo(503);
      assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:store-unavailable");
      assertThat(r.header("Retry-After")).isEqualTo("2");
      holder.rollback();
    }
    assertThat(
            producer.withToken(BrokerClient.ADMIN_TOKEN).get("/api/v1/messages/" + a).text("state"))
        .isEqualTo("PREPARED");
    assertThat(producer.commit(a).status()).as("sent again after Retry-After").isEqualTo(200);
  }

  private void prepare(String... ids) {
    for (String id : ids) {
      assertThat(producer.prepare(message(id)).status()).isEqualTo(201);
    }
  }

  private static void lock(Connection holder, String messageId) throws SQLException {
    MessageRows.lock(holder, "hm_message", "message_id", messageId);
  }

  /** Transactions on this test's database waiting for a row lock. */
  private static int lockWaits() throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.INNODB_TRX t"
                    + " JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
                    + " WHERE t.trx_state = 'LOCK WAIT' AND p.DB = ?")) {
      s.setString(1, db.name());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private double retries() {
    return meters.counter(RETRIES).count();
  }
}
