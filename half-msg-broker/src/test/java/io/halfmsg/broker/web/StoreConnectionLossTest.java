package io.halfmsg.broker.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A request whose database connection dies under it (the database restarted, a proxy cut it) is
 * told to retry — 503 {@code store-unavailable} — not answered 500 "unexpected error". The chaos
 * run found acks answered 500 while its database restarted: the driver's "Communications link
 * failure" reaches Spring as a {@code RecoverableDataAccessException}, which is neither transient
 * nor a resource failure in Spring's hierarchy.
 */
@BrokerTest(properties = {"halfmsg.check-back.enabled=false", "halfmsg.delivery.enabled=false"})
class StoreConnectionLossTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;

  @Test
  void anAckWhoseConnectionIsKilledIsToldToRetry() throws Exception {
    String messageId = UUID.randomUUID().toString();
    MessageRows.insert(db, messageId, "FORWARDED", 0, "2030-01-01 00:00:00");
    MessageRows.insertDelivery(db, messageId, "cg", "PENDING", 1, "2030-01-01 00:00:00");
    BrokerClient consumer = new BrokerClient(port, BrokerClient.CONSUMER_TOKEN);
    String ack = BrokerClient.json(List.of(Map.of("messageId", messageId, "consumerGroup", "cg")));

    BrokerClient.Response answer;
    try (Connection locker = db.connect()) {
      MessageRows.lock(locker, "hm_delivery", "message_id", messageId);
      CompletableFuture<BrokerClient.Response> pending =
          CompletableFuture.supplyAsync(() -> consumer.post("/api/v1/acks", ack));
      long brokerConnection =
          await("the ack's UPDATE waiting for the row lock")
              .atMost(Duration.ofSeconds(10))
              .until(
                  () -> waitingConnection("UPDATE hm_delivery SET state = 'ACKED'%"), id -> id > 0);
      try (Connection killer = db.connect();
          Statement s = killer.createStatement()) {
        s.execute("KILL CONNECTION " + brokerConnection);
      }
      answer = pending.get();
      locker.rollback();
    }

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.contentType()).startsWith("application/problem+json");
    assertThat(answer.problemType()).isEqualTo("urn:halfmsg:problem:store-unavailable");
    // The pool replaces the dead connection: the retry the answer asks for goes through.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> consumer.post("/api/v1/acks", ack).status() == 200);
  }

  /**
   * A commit runs in a transaction: when its connection dies, the rollback fails too, and Spring
   * reports that as a {@code TransactionSystemException} — the chaos run's 15-minute round saw one
   * answered 500 while the database restarted. The producer may simply send the decision again.
   */
  @Test
  void aCommitWhoseConnectionIsKilledIsToldToRetry() throws Exception {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    String messageId = UUID.randomUUID().toString();
    assertThat(
            producer
                .prepare(
                    Map.of(
                        "messageId", messageId,
                        "producerGroup", "g",
                        "topic", "t",
                        "body", "x"))
                .status())
        .isEqualTo(201);

    BrokerClient.Response answer;
    try (Connection locker = db.connect()) {
      MessageRows.lock(locker, "hm_message", "message_id", messageId);
      CompletableFuture<BrokerClient.Response> pending =
          CompletableFuture.supplyAsync(() -> producer.commit(messageId));
      long brokerConnection =
          await("the commit's SELECT … FOR UPDATE waiting for the row lock")
              .atMost(Duration.ofSeconds(10))
              .until(() -> waitingConnection("SELECT id, message_id%FOR UPDATE"), id -> id > 0);
      try (Connection killer = db.connect();
          Statement s = killer.createStatement()) {
        s.execute("KILL CONNECTION " + brokerConnection);
      }
      answer = pending.get();
      locker.rollback();
    }

    assertThat(answer.status()).as(answer.body()).isEqualTo(503);
    assertThat(answer.problemType()).isEqualTo("urn:halfmsg:problem:store-unavailable");
    await().atMost(Duration.ofSeconds(10)).until(() -> producer.commit(messageId).status() == 200);
  }

  private long waitingConnection(String statementPattern) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id FROM information_schema.PROCESSLIST WHERE db = ? AND info LIKE ?")) {
      ps.setString(1, db.name());
      ps.setString(2, statementPattern);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }
}
