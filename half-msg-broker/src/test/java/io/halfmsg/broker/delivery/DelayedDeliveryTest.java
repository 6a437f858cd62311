package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.api.RocketMqHeaders;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.broker.checkback.FakeProducer;
import io.halfmsg.broker.jdbc.ListSql;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Delayed delivery on one broker with the default scan period (500 ms): held COMMITTED by the
 * broker, forwarded at its time and not before, however it was committed; redelivered only after
 * its time; shown in the admin API.
 */
@BrokerTest(
    properties = {
      "halfmsg.check-back.allowed-hosts=127.0.0.1/32",
      "halfmsg.check-back.default-secret=" + DelayedDeliveryTest.SECRET,
      "halfmsg.check-back.poll-interval=50ms",
      "halfmsg.check-back.first-check-after=1h"
    })
class DelayedDeliveryTest {

  static final String SECRET = "delayed-delivery-test-secret";

  /** How soon after its time a message is stored in RocketMQ, at the default scan period. */
  static final Duration PROMPTLY = Duration.ofSeconds(1);

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @LocalServerPort int port;
  BrokerClient producer;
  BrokerClient admin;
  String topic;

  @BeforeEach
  void setUp() {
    producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    topic = "d_" + UUID.randomUUID().toString().substring(0, 8);
    mq.instance().createTopic(topic);
  }

  @Test
  void aMessageCommittedBeforeItsTimeIsForwardedAtItNotBeforeAndNotRedeliveredEarly()
      throws Exception {
    String group = "delayed_" + topic;
    // A short ack timeout: a delivery clock started at the commit would redeliver it early.
    subscribe(consumerClient(), group, topic, 500);
    try (PlainConsumer consumer =
        new PlainConsumer(mq.instance().namesrvAddr(), group, topic, "*")) {
      String id = commitDelayed(producer, topic, 3000);
      JsonNode view = admin.get("/api/v1/messages/" + id).json();
      Instant deliverAt = Instant.parse(view.path("deliverAt").asText());
      Instant createdAt = Instant.parse(view.path("createdAt").asText());
      assertThat(deliverAt).isEqualTo(createdAt.plusMillis(3000));
      assertThat(view.path("state").asText()).isEqualTo("COMMITTED");
      assertThat(Instant.parse(view.path("deliveries").path(0).path("nextAttemptAt").asText()))
          .as("the ack timeout runs from the delivery time")
          .isEqualTo(deliverAt.plusMillis(500));

      awaitStoredOnce(consumer, id);
      assertForwardedPromptlyAt(consumer, id, deliverAt);
      assertThat(consumer.received())
          .as("no copy, redeliveries included, before its time")
          .allSatisfy(r -> assertThat(r.getStoreTimestamp()).isGreaterThanOrEqualTo(ms(deliverAt)));
      await().atMost(PATIENCE).until(() -> "FORWARDED".equals(state(id)));
    }
  }

  @Test
  void aBatchOfMessagesWithDeliverAtIsHeldUntilThen() throws Exception {
    try (PlainConsumer consumer =
        new PlainConsumer(mq.instance().namesrvAddr(), "plain_" + topic, topic, "*")) {
      Instant deliverAt = Instant.ofEpochMilli(System.currentTimeMillis() + 2500);
      List<Map<String, Object>> batch = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Map<String, Object> m = DeliveryTest.message(topic, "deduct");
        m.put("deliverAt", deliverAt.toEpochMilli());
        batch.add(m);
      }
      Map<String, Object> now = DeliveryTest.message(topic, "deduct");
      batch.add(now);
      Response prepared = producer.prepareBatch(batch);
      assertThat(prepared.status()).as(prepared.body()).isEqualTo(200);
      assertThat(
              producer
                  .decide(batch.stream().map(m -> BrokerClient.commitOf(id(m))).toList())
                  .status())
          .isEqualTo(200);

      await("the message without a delay goes at once")
          .atMost(PATIENCE)
          .until(() -> consumer.count(id(now)) >= 1);
      for (Map<String, Object> m : batch.subList(0, 3)) {
        awaitStoredOnce(consumer, id(m));
        assertForwardedPromptlyAt(consumer, id(m), deliverAt);
      }
      assertThat(
              admin
                  .get("/api/v1/messages?topic=" + topic + "&limit=10")
                  .json()
                  .findValuesAsText("deliverAt"))
          .as("the listing shows it")
          .containsOnly(deliverAt.toString())
          .hasSize(3);
    }
  }

  @Test
  void aMessageCommittedByItsCheckBackIsHeldToo() throws Exception {
    try (FakeProducer fake = new FakeProducer(SECRET);
        PlainConsumer consumer =
            new PlainConsumer(mq.instance().namesrvAddr(), "plain_" + topic, topic, "*")) {
      fake.answer(call -> FakeProducer.Reply.state("COMMIT"));
      String producerGroup = "g_" + topic;
      Response registered =
          producer.put(
              "/api/v1/producer-groups/" + producerGroup + "/endpoints",
              BrokerClient.json(Map.of("checkBackUrl", fake.url())));
      assertThat(registered.status()).as(registered.body()).isEqualTo(200);
      Map<String, Object> m = DeliveryTest.message(topic, "deduct");
      m.put("producerGroup", producerGroup);
      m.put("checkAfterMs", 0);
      m.put("deliverAfterMs", 3000);
      String id = id(m);
      assertThat(producer.prepare(m).status()).isEqualTo(201);

      await().atMost(PATIENCE).until(() -> "COMMITTED".equals(state(id)));
      JsonNode view = admin.get("/api/v1/messages/" + id).json();
      assertThat(view.path("resolvedBy").asText()).isEqualTo("CHECK_BACK");
      awaitStoredOnce(consumer, id);
      assertForwardedPromptlyAt(consumer, id, Instant.parse(view.path("deliverAt").asText()));
    }
  }

  @Test
  void aParkedMessageAnOperatorCommitsIsHeldToo() throws Exception {
    try (PlainConsumer consumer =
        new PlainConsumer(mq.instance().namesrvAddr(), "plain_" + topic, topic, "*")) {
      Map<String, Object> m = DeliveryTest.message(topic, "deduct");
      m.put("deliverAfterMs", 3000);
      String id = id(m);
      assertThat(producer.prepare(m).status()).isEqualTo(201);
      park(id);
      Response resolved =
          admin.post(
              "/api/v1/messages/" + id + "/resolve",
              BrokerClient.json(Map.of("state", "COMMIT", "reason", "checked the order")));
      assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);

      awaitStoredOnce(consumer, id);
      assertForwardedPromptlyAt(
          consumer, id, Instant.parse(admin.get("/api/v1/messages/" + id).text("deliverAt")));
    }
  }

  /**
   * Forwarding behind by more than the ack timeout (a large burst due at one second, RocketMQ
   * unreachable): the delivery comes due while its message is still COMMITTED. It waits for the
   * forward, uncounted, rather than going to the group's retry topic as a second copy (which it
   * did, and counted); its ack timeout then counts from the forward.
   */
  @Test
  void aDeliveryDueBeforeItsMessageIsForwardedWaitsForTheForwardInsteadOfSendingACopy()
      throws Exception {
    String group = "behind_" + topic;
    subscribe(consumerClient(), group, topic, 2000);
    try (PlainConsumer consumer =
        new PlainConsumer(mq.instance().namesrvAddr(), group, topic, "*")) {
      String id = commitDelayed(producer, topic, 3_600_000);
      Instant behindSince = Instant.now();
      // What a backlog leaves: the delivery's ack timeout has passed, the message is not forwarded.
      updateRow(
          "UPDATE hm_delivery SET next_attempt_at = ? WHERE message_id = ?",
          ListSql.instantText(behindSince.minusSeconds(1)),
          id);

      Instant firstWait = awaitNextAttemptAfter(id, behindSince);
      Instant secondWait = awaitNextAttemptAfter(id, firstWait);
      JsonNode waiting = delivery(id);
      assertThat(waiting.path("attempts").asInt()).as("the waits are not attempts").isEqualTo(1);
      assertThat(waiting.path("lastError").asText()).contains("waits for its forward");
      assertThat(secondWait).isAfter(firstWait);
      assertThat(waiting.path("failures").findValuesAsText("cause"))
          .as("the first wait is recorded, once")
          .containsExactly("NOT_FORWARDED");
      assertThat(consumer.count(id)).as("no copy sent ahead of the forward").isZero();
      assertThat(state(id)).isEqualTo("COMMITTED");

      String now = ListSql.instantText(Instant.now());
      updateRow(
          "UPDATE hm_message SET deliver_at = ?, next_check_at = ? WHERE message_id = ?",
          now,
          now,
          id);
      awaitStoredOnce(consumer, id);
      await("redelivered, unacked")
          .atMost(PATIENCE)
          .until(
              () -> delivery(id).path("attempts").asInt() >= 2 && storedCopies(consumer, id) >= 2);
      List<Long> stored = storeTimes(consumer, id);
      assertThat(stored.get(1) - stored.get(0))
          .as("the ack timeout counts from the forward, to within a poll interval (500 ms)")
          .isGreaterThanOrEqualTo(1500);
      assertThat(delivery(id).path("failures").findValuesAsText("cause"))
          .as("then sent and unacked as any other")
          .startsWith("NOT_FORWARDED", "ACK_TIMEOUT")
          .containsOnlyOnce("NOT_FORWARDED");
      JsonNode lastError = delivery(id).path("lastError");
      assertThat(lastError.isNull() || lastError.isMissingNode())
          .as("cleared by the send")
          .isTrue();
    }
  }

  /**
   * Forwarding behind by less than the ack timeout: the forward is the delivery's first send, and
   * the group gets its whole ack timeout from there, not what is left of it (it was redelivered
   * almost at once).
   */
  @Test
  void aMessageForwardedLateGetsItsAckTimeoutFromTheForward() throws Exception {
    String group = "late_" + topic;
    subscribe(consumerClient(), group, topic, 3000);
    try (PlainConsumer consumer =
        new PlainConsumer(mq.instance().namesrvAddr(), group, topic, "*")) {
      String id = commitDelayed(producer, topic, 3000);
      Instant deliverAt = Instant.parse(admin.get("/api/v1/messages/" + id).text("deliverAt"));
      // As if forwarding were 1.5 s behind: the ack timeout would end 1.5 s after the forward.
      updateRow(
          "UPDATE hm_delivery SET next_attempt_at = ? WHERE message_id = ?",
          ListSql.instantText(deliverAt.plusMillis(1500)),
          id);

      await("forwarded, then redelivered unacked")
          .atMost(PATIENCE)
          .until(() -> storedCopies(consumer, id) >= 2);
      List<Long> stored = storeTimes(consumer, id);
      assertThat(stored.get(0)).as("forwarded promptly").isLessThan(ms(deliverAt) + 1000);
      assertThat(stored.get(1) - stored.get(0))
          .as("the ack timeout counts from the forward, to within a poll interval (500 ms)")
          .isGreaterThanOrEqualTo(2500);
    }
  }

  private static List<Long> storeTimes(PlainConsumer consumer, String id) {
    return consumer.received().stream()
        .filter(r -> id.equals(r.getUserProperty(RocketMqHeaders.MESSAGE_ID)))
        .map(MessageExt::getStoreTimestamp)
        .distinct()
        .sorted()
        .toList();
  }

  private JsonNode delivery(String id) {
    return admin.get("/api/v1/messages/" + id).json().path("deliveries").path(0);
  }

  /**
   * Waits until the delivery's next attempt is set later than {@code than}, by a wait and not by a
   * claim's lease (which runs until the wait is written); returns it.
   */
  private Instant awaitNextAttemptAfter(String id, Instant than) {
    return await()
        .atMost(PATIENCE)
        .until(
            () -> Instant.parse(delivery(id).path("nextAttemptAt").asText()),
            next -> next.isAfter(than) && next.isBefore(Instant.now().plusSeconds(5)));
  }

  @Test
  void aPausedTopicHoldsADelayedMessagePastItsTime() throws Exception {
    try (PlainConsumer consumer =
        new PlainConsumer(mq.instance().namesrvAddr(), "plain_" + topic, topic, "*")) {
      assertThat(
              admin
                  .put(
                      "/api/v1/pauses/topics/" + topic,
                      BrokerClient.json(Map.of("reason", "maintenance")))
                  .status())
          .isEqualTo(200);
      String id = commitDelayed(producer, topic, 500);
      await("held while paused, past its time")
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(4))
          .until(() -> "COMMITTED".equals(state(id)) && consumer.count(id) == 0);

      assertThat(admin.delete("/api/v1/pauses/topics/" + topic).status()).isEqualTo(204);
      awaitStoredOnce(consumer, id);
    }
  }

  @Test
  void anOperatorCancelsAHeldMessageWhichIsThenNeverDelivered() throws Exception {
    String group = "cancel_" + topic;
    subscribe(consumerClient(), group, topic, 500);
    try (PlainConsumer consumer =
        new PlainConsumer(mq.instance().namesrvAddr(), group, topic, "*")) {
      String id = commitDelayed(producer, topic, 2000);
      assertThat(admin.get("/api/v1/messages/" + id).json().path("deliveries")).hasSize(1);

      Response cancelled = cancel(id, "order withdrawn by the customer");
      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      assertThat(cancelled.text("state")).isEqualTo("CANCELLED");
      assertThat(admin.operatorLines(id))
          .containsExactly("CANCELLED admin cancel: order withdrawn by the customer");
      assertThat(cancel(id, "again").text("state")).as("idempotent").isEqualTo("CANCELLED");
      assertThat(admin.operatorLines(id)).as("recorded once").hasSize(1);
      Response commitAgain = producer.commit(id);
      assertThat(commitAgain.status()).as("the producer's commit stands").isEqualTo(200);
      assertThat(commitAgain.text("state")).isEqualTo("CANCELLED");
      assertThat(producer.rollback(id).status()).isEqualTo(409);

      await("never forwarded nor redelivered, well past its time and ack timeout")
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(6))
          .until(() -> consumer.count(id) == 0 && "CANCELLED".equals(state(id)));
      JsonNode view = admin.get("/api/v1/messages/" + id).json();
      assertThat(view.path("deliveries")).as("its deliveries are closed").isEmpty();
      assertThat(view.path("history").findValuesAsText("event"))
          .containsSubsequence("PREPARED", "COMMITTED", "CANCELLED");
      assertThat(admin.get("/api/v1/stats").json().path("messages").path("CANCELLED").asLong())
          .isPositive();
      assertThat(admin.get("/api/v1/messages?state=CANCELLED").json().findValuesAsText("messageId"))
          .contains(id);
    }
  }

  @Test
  void onlyAHeldMessageBeforeItsTimeCanBeCancelled() throws Exception {
    try (PlainConsumer consumer =
        new PlainConsumer(mq.instance().namesrvAddr(), "plain_" + topic, topic, "*")) {
      String soon = commitDelayed(producer, topic, 300);
      awaitStoredOnce(consumer, soon);
      await().atMost(PATIENCE).until(() -> "FORWARDED".equals(state(soon)));
      assertNotHeld(cancel(soon, "too late"));

      Map<String, Object> plain = DeliveryTest.message(topic, "deduct");
      producer.prepare(plain);
      assertNotHeld(cancel(id(plain), "not committed"));
      producer.commit(id(plain));
      awaitStoredOnce(consumer, id(plain));
      assertNotHeld(cancel(id(plain), "no delivery time"));

      Map<String, Object> later = DeliveryTest.message(topic, "deduct");
      later.put("deliverAfterMs", 60_000);
      producer.prepare(later);
      assertNotHeld(cancel(id(later), "prepared, not committed"));
      producer.rollback(id(later));
      assertNotHeld(cancel(id(later), "rolled back"));

      assertThat(cancel("no-such-message", "gone").status()).isEqualTo(404);
      Response noReason =
          admin.post("/api/v1/messages/" + id(later) + "/cancel", BrokerClient.json(Map.of()));
      assertThat(noReason.status()).isEqualTo(400);
      assertThat(
              producer
                  .post("/api/v1/messages/" + id(later) + "/cancel", "{\"reason\":\"x\"}")
                  .status())
          .as("an operator's action")
          .isEqualTo(403);
      assertThat(admin.operatorLines(id(later))).isEmpty();
    }
  }

  private static void assertNotHeld(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:not-held");
  }

  private Response cancel(String id, String reason) {
    return admin.post(
        "/api/v1/messages/" + id + "/cancel", BrokerClient.json(Map.of("reason", reason)));
  }

  /**
   * Prepares a message to {@code topic} due {@code deliverAfterMs} after its prepare and commits it
   * at once; returns its id.
   */
  static String commitDelayed(BrokerClient producer, String topic, long deliverAfterMs) {
    Map<String, Object> m = DeliveryTest.message(topic, "deduct");
    m.put("deliverAfterMs", deliverAfterMs);
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    assertThat(producer.commit(id(m)).status()).isEqualTo(200);
    return id(m);
  }

  /** Waits until RocketMQ stored the message exactly once and the consumer received it. */
  static void awaitStoredOnce(PlainConsumer consumer, String id) {
    await().atMost(PATIENCE).until(() -> consumer.count(id) >= 1);
    assertThat(storedCopies(consumer, id)).isEqualTo(1);
  }

  /**
   * How many times RocketMQ stored the message: distinct queue positions of what the consumer got
   * (RocketMQ may hand one stored message over twice; a second send is a second position).
   */
  static long storedCopies(PlainConsumer consumer, String id) {
    return consumer.received().stream()
        .filter(r -> id.equals(r.getUserProperty(RocketMqHeaders.MESSAGE_ID)))
        .map(r -> r.getTopic() + "/" + r.getQueueId() + "/" + r.getQueueOffset())
        .distinct()
        .count();
  }

  /** RocketMQ stored the message at its time, not before and within {@link #PROMPTLY}. */
  static void assertForwardedPromptlyAt(PlainConsumer consumer, String id, Instant deliverAt) {
    MessageExt first =
        consumer.received().stream()
            .filter(r -> id.equals(r.getUserProperty(RocketMqHeaders.MESSAGE_ID)))
            .findFirst()
            .orElseThrow();
    assertThat(first.getStoreTimestamp())
        .as("stored in RocketMQ at its time, not before and within a second")
        .isBetween(ms(deliverAt), ms(deliverAt.plus(PROMPTLY)));
  }

  private void park(String id) throws Exception {
    updateRow("UPDATE hm_message SET state = 'PARKED' WHERE message_id = ?", id);
  }

  private static void updateRow(String sql, String... args) throws Exception {
    assertThat(MessageRows.update(db, sql, args)).isEqualTo(1);
  }

  private BrokerClient consumerClient() {
    return producer.withToken(BrokerClient.CONSUMER_TOKEN);
  }

  static void subscribe(BrokerClient consumer, String group, String topic, long ackTimeoutMs) {
    Response r =
        consumer.put(
            "/api/v1/subscriptions/" + group,
            BrokerClient.json(
                Map.of("topics", List.of(topic), "ackTimeoutMs", ackTimeoutMs, "maxAttempts", 3)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private String state(String id) {
    return admin.get("/api/v1/messages/" + id).text("state");
  }

  private static String id(Map<String, Object> m) {
    return (String) m.get("messageId");
  }

  private static long ms(Instant at) {
    return at.toEpochMilli();
  }
}
