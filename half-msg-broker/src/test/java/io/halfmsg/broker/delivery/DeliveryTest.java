package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.api.RocketMqHeaders;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Forwarding to a real (embedded) RocketMQ, per-group acks and redelivery, with plain consumers.
 */
@BrokerTest(
    properties = {
      "halfmsg.delivery.poll-interval=100ms",
      "halfmsg.check-back.first-check-after=1h"
    })
class DeliveryTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @LocalServerPort int port;
  BrokerClient producer;
  BrokerClient consumer;
  BrokerClient admin;
  String topic;

  @BeforeEach
  void setUp() {
    producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    consumer = producer.withToken(BrokerClient.CONSUMER_TOKEN);
    admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    topic = "t_" + UUID.randomUUID().toString().substring(0, 8);
    mq.instance().createTopic(topic);
  }

  @Test
  void aPlainRocketMqConsumerGetsAnOrdinaryMessageWithTagKeysAndProperties() throws Exception {
    try (PlainConsumer plain =
        new PlainConsumer(mq.instance().namesrvAddr(), "plain_" + topic, topic, "deduct")) {
      String other = send(message(topic, "other-tag"));
      String id = send(message(topic, "deduct"));

      await().atMost(PATIENCE).until(() -> plain.count(id) >= 1);
      MessageExt m =
          plain.received().stream()
              .filter(x -> id.equals(x.getUserProperty(RocketMqHeaders.MESSAGE_ID)))
              .findFirst()
              .orElseThrow();
      assertThat(m.getTopic()).isEqualTo(topic);
      assertThat(m.getMsgId())
          .as("RocketMQ's message id is the one the producer got")
          .isEqualTo(id);
      assertThat(m.getTags()).isEqualTo("deduct");
      assertThat(m.getKeys()).isEqualTo("order-1 sku-9");
      assertThat(m.getUserProperty("traceId")).isEqualTo("trace-42");
      assertThat(new String(m.getBody(), StandardCharsets.UTF_8))
          .isEqualTo("{\"sku\":\"sku-9\",\"count\":2}");
      await().atMost(PATIENCE).until(() -> "FORWARDED".equals(state(id)));
      assertThat(plain.count(other)).as("tag filter").isZero();
    }
  }

  @Test
  void anAckedDeliveryIsAckedAndNeverSentAgain() throws Exception {
    String group = "acking_" + topic;
    // Long enough that a slow first delivery (RocketMQ rebalancing on a busy machine) is never
    // overtaken by a redelivery: this test is about what happens after the ack.
    subscribe(group, 120_000, 3);
    try (PlainConsumer c = new PlainConsumer(mq.instance().namesrvAddr(), group, topic, "*")) {
      c.onMessage(m -> ack(m.getUserProperty(RocketMqHeaders.MESSAGE_ID), group));
      String id = send(message(topic, "deduct"));

      await()
          .atMost(PATIENCE)
          .until(() -> "ACKED".equals(deliveryOf(id, group).path("state").asText()));
      // As if the ack timeout had passed: due now, so only its state keeps the redelivery
      // scanner (polling every 100 ms) from sending it again.
      try (Connection sql = db.connect();
          PreparedStatement due =
              sql.prepareStatement(
                  "UPDATE hm_delivery SET next_attempt_at = '2000-01-01 00:00:00'"
                      + " WHERE message_id = ? AND consumer_group = ?")) {
        due.setString(1, id);
        due.setString(2, group);
        assertThat(due.executeUpdate()).isEqualTo(1);
      }
      await("no redelivery after the ack, though due")
          .during(Duration.ofMillis(2500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> deliveryOf(id, group).path("attempts").asInt() == 1);
      assertThat(deliveryOf(id, group).path("attempts").asInt()).isEqualTo(1);
    }
  }

  @Test
  void onlyTheGroupThatDidNotAckGetsTheMessageAgainUntilItIsDeadAndReplayed() throws Exception {
    String good = "good_" + topic;
    String laggard = "laggard_" + topic;
    subscribe(good, 120_000, 3);
    subscribe(laggard, 500, 3);
    try (PlainConsumer g = new PlainConsumer(mq.instance().namesrvAddr(), good, topic, "*");
        PlainConsumer l = new PlainConsumer(mq.instance().namesrvAddr(), laggard, topic, "*")) {
      g.onMessage(m -> ack(m.getUserProperty(RocketMqHeaders.MESSAGE_ID), good));
      String id = send(message(topic, "deduct"));

      await()
          .atMost(PATIENCE)
          .until(() -> "DEAD".equals(deliveryOf(id, laggard).path("state").asText()));
      // RocketMQ itself may deliver a message twice (at least once); halfmsg's own sends are
      // counted by the delivery's attempts.
      await("first send and two redeliveries").atMost(PATIENCE).until(() -> l.count(id) >= 3);
      assertThat(l.received()).allSatisfy(m -> assertThat(m.getTopic()).isEqualTo(topic));
      assertThat(l.received())
          .as("RocketMQ's message id is the halfmsg id on every send")
          .allSatisfy(m -> assertThat(m.getMsgId()).isEqualTo(id));
      assertThat(l.received().stream().map(m -> m.getUserProperty(RocketMqHeaders.ATTEMPT)))
          .contains(null, "2", "3");
      assertThat(g.count(id)).as("the group that acked is left alone").isLessThan(l.count(id));
      assertThat(deliveryOf(id, good).path("state").asText()).isEqualTo("ACKED");
      assertThat(deliveryOf(id, good).path("attempts").asInt()).isEqualTo(1);

      l.onMessage(m -> ack(m.getUserProperty(RocketMqHeaders.MESSAGE_ID), laggard));
      Response replay =
          admin.post(
              "/api/v1/deliveries/replay",
              BrokerClient.json(
                  Map.of("messageId", id, "consumerGroup", laggard, "reason", "fixed")));
      assertThat(replay.status()).isEqualTo(200);

      await()
          .atMost(PATIENCE)
          .until(() -> "ACKED".equals(deliveryOf(id, laggard).path("state").asText()));
      assertThat(l.count(id)).isGreaterThanOrEqualTo(4);
      assertThat(deliveryOf(id, laggard).path("attempts").asInt()).isEqualTo(1);
      assertThat(deliveryOf(id, good).path("attempts").asInt()).isEqualTo(1);
      // The attempts were reset by the replay; the history keeps what happened before.
      assertThat(history(id))
          .containsSubsequence(
              "PREPARED",
              "COMMITTED",
              "FORWARDED",
              "DEAD " + laggard,
              "REPLAYED " + laggard,
              "ACKED " + laggard)
          .contains("ACKED " + good);
      Response again =
          admin.post(
              "/api/v1/deliveries/replay",
              BrokerClient.json(
                  Map.of("messageId", id, "consumerGroup", laggard, "reason", "again")));
      assertThat(again.problemType()).isEqualTo("urn:halfmsg:problem:not-dead");
    }
  }

  @Test
  void replayingAllDeadDeliveriesOfAGroup() throws Exception {
    String group = "deadbeat_" + topic;
    subscribe(group, 300, 1);
    List<String> ids = List.of(send(message(topic, "a")), send(message(topic, "b")));
    ids.forEach(
        id ->
            await()
                .atMost(PATIENCE)
                .until(() -> "DEAD".equals(deliveryOf(id, group).path("state").asText())));

    Response r =
        admin.post(
            "/api/v1/deliveries/replay",
            BrokerClient.json(Map.of("consumerGroup", group, "reason", "all of them")));

    assertThat(r.json().get("replayed").asInt()).isEqualTo(2);
    ids.forEach(
        id -> assertThat(deliveryOf(id, group).path("state").asText()).isIn("PENDING", "DEAD"));
    ids.forEach(
        id -> assertThat(history(id)).containsSubsequence("DEAD " + group, "REPLAYED " + group));
  }

  @Test
  void aGroupSubscribedToSomeTagsGetsDeliveriesOnlyForThem() {
    String group = "tagged_" + topic;
    Response r =
        consumer.put(
            "/api/v1/subscriptions/" + group,
            BrokerClient.json(
                Map.of(
                    "topics", List.of(topic),
                    "tags", Map.of(topic, " deduct || refund "),
                    "ackTimeoutMs", 60_000)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("tags").get(topic).asText()).isEqualTo("deduct||refund");

    String deduct = send(message(topic, "deduct"));
    String refund = send(message(topic, "refund"));
    String other = send(message(topic, "deduct_x"));
    Map<String, Object> untagged = message(topic, null);
    untagged.remove("tag");
    String none = send(untagged);

    assertThat(deliveryOf(deduct, group).path("state").asText()).isEqualTo("PENDING");
    assertThat(deliveryOf(refund, group).path("state").asText()).isEqualTo("PENDING");
    assertThat(deliveriesOf(other)).isEmpty();
    assertThat(deliveriesOf(none)).isEmpty();
    assertThat(
            consumer
                .put(
                    "/api/v1/subscriptions/" + group,
                    BrokerClient.json(
                        Map.of("topics", List.of(topic), "tags", Map.of("elsewhere", "a"))))
                .status())
        .isEqualTo(400);
    assertThat(
            consumer
                .put(
                    "/api/v1/subscriptions/" + group,
                    BrokerClient.json(
                        Map.of("topics", List.of(topic), "tags", Map.of(topic, "a || "))))
                .status())
        .isEqualTo(400);
  }

  @Test
  void acksAreIdempotentAndValidated() {
    String group = "idem_" + topic;
    subscribe(group, 60_000, 3);
    String id = send(message(topic, "x"));

    Response first =
        consumer.post(
            "/api/v1/acks",
            BrokerClient.json(List.of(Map.of("messageId", id, "consumerGroup", group))));
    Response second =
        consumer.post(
            "/api/v1/acks",
            BrokerClient.json(
                List.of(
                    Map.of("messageId", id, "consumerGroup", group),
                    Map.of("messageId", "unknown-id", "consumerGroup", group))));

    assertThat(first.json().get("acked").asInt()).isEqualTo(1);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().get("acked").asInt()).isZero();
    assertThat(deliveryOf(id, group).path("state").asText()).isEqualTo("ACKED");
    assertThat(consumer.post("/api/v1/acks", "[]").status()).isEqualTo(400);
    assertThat(consumer.post("/api/v1/acks", "{}").status()).isEqualTo(400);
    assertThat(
            consumer
                .post("/api/v1/acks", "[{\"messageId\":\"a b\",\"consumerGroup\":\"g\"}]")
                .status())
        .isEqualTo(400);
    assertThat(consumer.post("/api/v1/acks", "[null]").status()).isEqualTo(400);
    assertThat(
            producer
                .post(
                    "/api/v1/acks",
                    BrokerClient.json(List.of(Map.of("messageId", id, "consumerGroup", group))))
                .status())
        .isEqualTo(403);
  }

  @Test
  void subscriptionsAreValidatedAndOnlyAnOperatorRemovesATopic() {
    String group = "subs_" + topic;
    assertThat(consumer.put("/api/v1/subscriptions/" + group, "{\"topics\":[]}").status())
        .isEqualTo(400);
    assertThat(consumer.put("/api/v1/subscriptions/" + group, "{\"topics\":[\"a.b\"]}").status())
        .isEqualTo(400);
    assertThat(
            consumer
                .put("/api/v1/subscriptions/" + group, "{\"topics\":[\"a\"],\"ackTimeoutMs\":5}")
                .status())
        .isEqualTo(400);
    assertThat(
            consumer
                .put("/api/v1/subscriptions/" + group, "{\"topics\":[\"a\"],\"maxAttempts\":0}")
                .status())
        .isEqualTo(400);

    Response ok =
        consumer.put("/api/v1/subscriptions/" + group, "{\"topics\":[\"a\",\"b\",\"a\"]}");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("ackTimeoutMs").asLong()).isEqualTo(30_000);
    assertThat(ok.json().get("maxAttempts").asInt()).isEqualTo(16);
    assertThat(ok.json().get("otherTopics")).isEmpty();

    // An instance of an older version registers fewer topics: "a" stays, and the answer says so.
    Response fewer =
        consumer.put(
            "/api/v1/subscriptions/" + group,
            "{\"topics\":[\"b\"],\"ackTimeoutMs\":1000,\"maxAttempts\":2}");
    assertThat(fewer.json().get("otherTopics")).extracting(JsonNode::asText).containsExactly("a");
    assertThat(topicsOf(group)).containsExactly("a", "b");

    String removeA = "/api/v1/subscriptions/" + group + "/topics/a";
    assertThat(consumer.delete(removeA).status()).as("an operator's call").isEqualTo(403);
    assertThat(admin.delete(removeA).status()).isEqualTo(204);
    assertThat(admin.delete(removeA).problemType())
        .isEqualTo("urn:halfmsg:problem:subscription-not-found");
    assertThat(admin.delete("/api/v1/subscriptions/" + group + "/topics/a.b").status())
        .isEqualTo(400);
    assertThat(topicsOf(group)).containsExactly("b");
  }

  private List<String> topicsOf(String group) {
    List<String> topics = new java.util.ArrayList<>();
    admin
        .get("/api/v1/subscriptions")
        .json()
        .forEach(
            s -> {
              if (group.equals(s.path("consumerGroup").asText())) {
                topics.add(s.path("topic").asText());
              }
            });
    return topics;
  }

  @Test
  void rolledBackMessagesNeverReachRocketMq() throws Exception {
    try (PlainConsumer plain =
        new PlainConsumer(mq.instance().namesrvAddr(), "rb_" + topic, topic, "*")) {
      Map<String, Object> m = message(topic, "x");
      producer.prepare(m);
      String rolledBack = (String) m.get("messageId");
      producer.rollback(rolledBack);
      String committed = send(message(topic, "x"));

      await().atMost(PATIENCE).until(() -> plain.count(committed) == 1);
      assertThat(plain.count(rolledBack)).isZero();
      assertThat(deliveriesOf(rolledBack)).isEmpty();
    }
  }

  static Map<String, Object> message(String topic, String tag) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("messageId", UUID.randomUUID().toString());
    m.put("producerGroup", "order-service");
    m.put("topic", topic);
    m.put("tag", tag);
    m.put("keys", "order-1 sku-9");
    m.put("body", "{\"sku\":\"sku-9\",\"count\":2}");
    m.put("properties", Map.of("traceId", "trace-42"));
    return m;
  }

  private String send(Map<String, Object> m) {
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    String id = (String) m.get("messageId");
    assertThat(producer.commit(id).status()).isEqualTo(200);
    return id;
  }

  private void subscribe(String group, long ackTimeoutMs, int maxAttempts) {
    Response r =
        consumer.put(
            "/api/v1/subscriptions/" + group,
            BrokerClient.json(
                Map.of(
                    "topics",
                    List.of(topic),
                    "ackTimeoutMs",
                    ackTimeoutMs,
                    "maxAttempts",
                    maxAttempts)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private void ack(String messageId, String group) {
    consumer.post(
        "/api/v1/acks",
        BrokerClient.json(List.of(Map.of("messageId", messageId, "consumerGroup", group))));
  }

  private String state(String id) {
    return admin.get("/api/v1/messages/" + id).text("state");
  }

  private List<JsonNode> deliveriesOf(String id) {
    JsonNode d = admin.get("/api/v1/messages/" + id).json().path("deliveries");
    return d.isArray()
        ? java.util.stream.StreamSupport.stream(d.spliterator(), false).toList()
        : List.of();
  }

  /** The message's history as "EVENT" or "EVENT group" lines. */
  private List<String> history(String id) {
    List<String> lines = new java.util.ArrayList<>();
    admin
        .get("/api/v1/messages/" + id)
        .json()
        .path("history")
        .forEach(
            h ->
                lines.add(
                    h.path("event").asText()
                        + (h.has("consumerGroup") ? " " + h.path("consumerGroup").asText() : "")));
    return lines;
  }

  private JsonNode deliveryOf(String id, String group) {
    return deliveriesOf(id).stream()
        .filter(d -> group.equals(d.path("consumerGroup").asText()))
        .findFirst()
        .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
  }
}
