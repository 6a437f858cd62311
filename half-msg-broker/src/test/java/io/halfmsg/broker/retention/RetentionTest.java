package io.halfmsg.broker.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.history.MessageHistory;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Finished messages go after the retention period; undelivered ones never do. */
@BrokerTest(
    properties = {
      "halfmsg.retention=1s",
      "halfmsg.retention-interval=200ms",
      "halfmsg.delivery.poll-interval=100ms",
      "halfmsg.check-back.first-check-after=1h"
    })
class RetentionTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @LocalServerPort int port;
  @Autowired MessageHistory history;

  @Test
  void rolledBackAndFullyAckedMessagesAreDeletedButUndeliveredOnesAreKept() throws Exception {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    BrokerClient consumer = producer.withToken(BrokerClient.CONSUMER_TOKEN);
    BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    mq.instance().createTopic("kept_topic");
    consumer.put(
        "/api/v1/subscriptions/acks-everything",
        BrokerClient.json(Map.of("topics", List.of("kept_topic"), "ackTimeoutMs", 60_000)));
    consumer.put(
        "/api/v1/subscriptions/never-acks",
        BrokerClient.json(
            Map.of("topics", List.of("kept_topic"), "ackTimeoutMs", 200, "maxAttempts", 1)));

    String rolledBack = prepare(producer);
    producer.rollback(rolledBack);
    String acked = prepare(producer);
    producer.commit(acked);
    String dead = prepare(producer);
    producer.commit(dead);
    String prepared = prepare(producer);
    consumer.post(
        "/api/v1/acks",
        BrokerClient.json(
            List.of(
                Map.of("messageId", acked, "consumerGroup", "acks-everything"),
                Map.of("messageId", acked, "consumerGroup", "never-acks"),
                Map.of("messageId", dead, "consumerGroup", "acks-everything"))));

    history.record(rolledBack, MessageHistory.CHECK_BACK, null, "an event to be deleted with it");
    history.record(acked, MessageHistory.REPLAYED, "never-acks", "an event to be deleted with it");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                admin.get("/api/v1/messages/" + rolledBack).status() == 404
                    && admin.get("/api/v1/messages/" + acked).status() == 404);
    assertThat(storedEvents(rolledBack)).as("history goes with its message").isZero();
    assertThat(storedEvents(acked)).isZero();
    await("undelivered and undecided messages stay")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                admin.get("/api/v1/messages/" + dead).status() == 200
                    && admin.get("/api/v1/messages/" + prepared).status() == 200);
    assertThat(
            admin
                .get("/api/v1/messages/" + dead)
                .json()
                .path("deliveries")
                .findValuesAsText("state"))
        .contains("DEAD", "ACKED");
    assertThat(storedEvents(dead)).as("the DEAD event of a kept message").isEqualTo(1);
  }

  @Test
  void aCancelledMessageIsDeletedLikeARolledBackOne() throws Exception {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    producer
        .withToken(BrokerClient.CONSUMER_TOKEN)
        .put(
            "/api/v1/subscriptions/cancel-watcher",
            BrokerClient.json(
                Map.of("topics", List.of("cancelled_topic"), "ackTimeoutMs", 60_000)));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("producerGroup", "order-service");
    m.put("topic", "cancelled_topic");
    m.put("body", "{}");
    m.put("deliverAfterMs", 3_600_000);
    String id = producer.prepare(m).text("messageId");
    producer.commit(id);
    BrokerClient.Response cancelled =
        admin.post(
            "/api/v1/messages/" + id + "/cancel",
            BrokerClient.json(Map.of("reason", "order withdrawn")));
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> admin.get("/api/v1/messages/" + id).status() == 404);
    assertThat(storedEvents(id)).as("its CANCELLED event goes with it").isZero();
  }

  private static int storedEvents(String messageId) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM hm_message_event WHERE message_id = ?")) {
      ps.setString(1, messageId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static String prepare(BrokerClient producer) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("messageId", UUID.randomUUID().toString());
    m.put("producerGroup", "order-service");
    m.put("topic", "kept_topic");
    m.put("body", "{}");
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    return (String) m.get("messageId");
  }
}
