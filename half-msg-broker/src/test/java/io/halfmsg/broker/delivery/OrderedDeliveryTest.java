package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.api.RocketMqHeaders;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Messages with a sharding key reach every consumer group in prepare order, each key on its own:
 * plain RocketMQ consumers that ack over HTTP, so what is tested is the broker's rule alone.
 */
@BrokerTest(
    properties = {
      "halfmsg.delivery.poll-interval=100ms",
      "halfmsg.check-back.first-check-after=1h"
    })
class OrderedDeliveryTest {

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
    topic = "o_" + UUID.randomUUID().toString().substring(0, 8);
    mq.instance().createTopic(topic);
  }

  @Test
  void everyGroupAppliesTheMessagesOfAKeyInPrepareOrderWhateverTheCommitOrder() throws Exception {
    subscribe("a_" + topic, 30_000);
    subscribe("b_" + topic, 30_000);
    try (AckingConsumer a = new AckingConsumer("a_" + topic);
        AckingConsumer b = new AckingConsumer("b_" + topic)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        ids.add(prepare("key-1"));
      }
      String other = prepare("key-2");
      // Committed last to first: nothing of key-1 may go before its first message.
      for (int i = ids.size() - 1; i >= 1; i--) {
        assertThat(producer.commit(ids.get(i)).status()).isEqualTo(200);
      }
      assertThat(producer.commit(other).status()).isEqualTo(200);

      await("another key does not wait").atMost(PATIENCE).until(() -> a.applied().contains(other));
      assertThat(a.applied()).as("key-1's first message is undecided").containsExactly(other);
      JsonNode place = admin.get("/api/v1/messages/" + ids.get(1)).json().path("keyQueue");
      assertThat(place.path("shardingKey").asText()).isEqualTo("key-1");
      assertThat(place.path("ahead").asInt()).isEqualTo(1);
      assertThat(place.path("behind").asInt()).isEqualTo(10);

      assertThat(producer.commit(ids.get(0)).status()).isEqualTo(200);

      await().atMost(PATIENCE).until(() -> a.applied().size() == 13 && b.applied().size() == 13);
      assertThat(a.applied(ids)).containsExactlyElementsOf(ids);
      assertThat(b.applied(ids)).containsExactlyElementsOf(ids);
      assertThat(collapsed(a.received(ids))).as("received in order too").isEqualTo(ids);
      // For consumers that read RocketMQ directly: one queue per key, and RocketMQ 5's message
      // group property.
      assertThat(ids.stream().map(a::firstQueue).distinct()).as("queues of key-1").hasSize(1);
      assertThat(ids.stream().map(a::shardingKey).distinct()).containsExactly("key-1");
      await()
          .atMost(PATIENCE)
          .until(
              () -> admin.get("/api/v1/messages/" + ids.get(11)).json().path("keyQueue"),
              JsonNode::isMissingNode);
    }
  }

  @Test
  void aRolledBackMessageIsSkippedAndAnUndecidedOneHoldsTheRestBack() throws Exception {
    subscribe("g_" + topic, 30_000);
    try (AckingConsumer g = new AckingConsumer("g_" + topic)) {
      String first = prepare("k");
      String rolledBack = prepare("k");
      String third = prepare("k");
      assertThat(producer.commit(third).status()).isEqualTo(200);
      assertThat(producer.rollback(rolledBack).status()).isEqualTo(200);
      String unordered = prepare(null);
      assertThat(producer.commit(unordered).status()).isEqualTo(200);

      await().atMost(PATIENCE).until(() -> g.applied().contains(unordered));
      assertThat(g.applied()).containsExactly(unordered);

      assertThat(producer.rollback(first).status()).isEqualTo(200);

      await().atMost(PATIENCE).until(() -> g.applied().contains(third));
      assertThat(g.applied()).containsExactly(unordered, third);
    }
  }

  @Test
  void aGroupThatDoesNotAckHoldsTheKeyForEveryGroupAndItsRedeliveryKeepsTheOrder()
      throws Exception {
    String quick = "quick_" + topic;
    String slow = "slow_" + topic;
    subscribe(quick, 30_000);
    subscribe(slow, 500);
    try (AckingConsumer q = new AckingConsumer(quick);
        AckingConsumer s = new AckingConsumer(slow)) {
      s.dropFirstDeliveries(1);
      List<String> ids = List.of(send("k"), send("k"), send("k"));

      await().atMost(PATIENCE).until(() -> s.applied().size() == 3 && q.applied().size() == 3);
      assertThat(s.applied()).containsExactlyElementsOf(ids);
      assertThat(q.applied()).containsExactlyElementsOf(ids);
      assertThat(s.received(ids).subList(0, 2))
          .as("the first message dropped, then redelivered")
          .containsExactly(ids.get(0), ids.get(0));
      assertThat(q.firstReceipt(ids.get(1)))
          .as("the quick group got the second only after the slow one applied the first")
          .isGreaterThan(s.appliedAt(ids.get(0)));
    }
  }

  @Test
  void aDeadHeadBlocksItsKeyUntilAnOperatorReleasesIt() throws Exception {
    String group = "d_" + topic;
    subscribe(group, 300, 2);
    try (AckingConsumer g = new AckingConsumer(group)) {
      String head = prepare("k");
      g.neverApply(head);
      assertThat(producer.commit(head).status()).isEqualTo(200);
      String next = send("k");
      String last = send("k");
      await()
          .atMost(PATIENCE)
          .until(() -> "DEAD".equals(admin.delivery(head, group).path("state").asText()));

      JsonNode blocked = admin.get("/api/v1/blocked-keys").json();
      assertThat(blocked).hasSize(1);
      assertThat(blocked.get(0).path("topic").asText()).isEqualTo(topic);
      assertThat(blocked.get(0).path("shardingKey").asText()).isEqualTo("k");
      assertThat(blocked.get(0).path("messageId").asText()).isEqualTo(head);
      assertThat(blocked.get(0).path("blocking").asInt()).isEqualTo(2);
      assertThat(g.received(List.of(next, last))).isEmpty();

      Response released =
          admin.post(
              "/api/v1/messages/" + head + "/release",
              BrokerClient.json(Map.of("reason", "bad payload, skipped")));
      assertThat(released.status()).as(released.body()).isEqualTo(200);

      await().atMost(PATIENCE).until(() -> g.applied().containsAll(List.of(next, last)));
      assertThat(g.applied()).containsExactly(next, last);
      assertThat(admin.get("/api/v1/blocked-keys").json()).isEmpty();
      assertThat(admin.operatorLines(head)).anyMatch(l -> l.contains("KEY_RELEASED"));
      assertThat(
              admin
                  .post(
                      "/api/v1/messages/" + head + "/release",
                      BrokerClient.json(Map.of("reason", "again")))
                  .status())
          .isEqualTo(409);
    }
  }

  @Test
  void aReleaseLostInACrashIsFoundByTheSweep() throws Exception {
    String group = "s_" + topic;
    subscribe(group, 60_000);
    String head = send("k");
    try (AckingConsumer g = new AckingConsumer(group)) {
      g.dropFirstDeliveries(Integer.MAX_VALUE);
      await().atMost(PATIENCE).until(() -> g.received(List.of(head)).size() == 1);
    }
    String next = send("k");
    // The ack written, and the broker gone before it looked at the key.
    assertThat(
            MessageRows.update(
                db,
                "UPDATE hm_delivery SET state = 'ACKED', acked_at = '2026-01-01 00:00:00'"
                    + " WHERE message_id = ?",
                head))
        .isEqualTo(1);
    try (AckingConsumer g = new AckingConsumer(group)) {
      await()
          .atMost(KeyHandover.SWEEP_INTERVAL.multipliedBy(2).plus(PATIENCE))
          .until(() -> g.applied().contains(next));
    }
  }

  /**
   * A delivery of a message behind its key that comes due anyway (as the sweep's bring-forward or a
   * lost hold leaves it) waits with its key — held until the key's release re-arms it — not in the
   * ack-timeout steps of a message that forwarding is behind on.
   */
  @Test
  void aDeliveryBehindItsKeyThatComesDueWaitsWithItsKey() throws Exception {
    String group = "w_" + topic;
    subscribe(group, 500);
    String head = prepare("k");
    String behind = send("k");
    assertThat(
            MessageRows.update(
                db,
                "UPDATE hm_delivery SET next_attempt_at = '2026-01-01 00:00:00'"
                    + " WHERE message_id = ?",
                behind))
        .isEqualTo(1);

    await("held with its key")
        .atMost(PATIENCE)
        .until(
            () -> delivery(behind).path("nextAttemptAt").asText(),
            KeyQueue.HELD.toString()::equals);
    assertThat(delivery(behind).path("attempts").asInt()).isEqualTo(1);
    assertThat(delivery(behind).path("failures"))
        .as("not a failure: its turn has not come")
        .isEmpty();

    assertThat(producer.commit(head).status()).isEqualTo(200);
    try (AckingConsumer g = new AckingConsumer(group)) {
      await().atMost(PATIENCE).until(() -> g.applied().size() == 2);
      assertThat(g.applied()).containsExactly(head, behind);
    }
  }

  private JsonNode delivery(String id) {
    return admin.get("/api/v1/messages/" + id).json().path("deliveries").path(0);
  }

  @Test
  void aDelayedHeadHoldsItsKeyUntilItsTimeAndACancelledOneLetsTheKeyGoOn() throws Exception {
    String group = "dl_" + topic;
    subscribe(group, 30_000);
    try (AckingConsumer g = new AckingConsumer(group)) {
      Map<String, Object> late = message("k");
      late.put("deliverAfterMs", 2_000);
      assertThat(producer.prepare(late).status()).isEqualTo(201);
      String head = (String) late.get("messageId");
      assertThat(producer.commit(head).status()).isEqualTo(200);
      long committedAt = System.currentTimeMillis();
      String next = send("k");

      Map<String, Object> never = message("k2");
      never.put("deliverAfterMs", 600_000);
      assertThat(producer.prepare(never).status()).isEqualTo(201);
      String cancelled = (String) never.get("messageId");
      assertThat(producer.commit(cancelled).status()).isEqualTo(200);
      String afterCancelled = send("k2");
      Response cancel =
          admin.post(
              "/api/v1/messages/" + cancelled + "/cancel",
              BrokerClient.json(Map.of("reason", "order withdrawn")));
      assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);

      await().atMost(PATIENCE).until(() -> g.applied().contains(afterCancelled));
      await().atMost(PATIENCE).until(() -> g.applied().contains(next));
      assertThat(g.applied(List.of(head, next))).containsExactly(head, next);
      assertThat(g.appliedWallClock(head) - committedAt)
          .as("the head went at its time, not before")
          .isGreaterThanOrEqualTo(1_900);
      assertThat(g.applied()).doesNotContain(cancelled);
    }
  }

  @Test
  void aShardingKeyIsCheckedAndPartOfTheMessagesContent() {
    Map<String, Object> blank = message(" ");
    assertThat(producer.prepare(blank).status()).isEqualTo(400);
    Map<String, Object> tooLong = message("k".repeat(129));
    Response r = producer.prepare(tooLong);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("shardingKey");

    Map<String, Object> m = message("k1");
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    assertThat(producer.prepare(m).status()).as("the same again").isEqualTo(200);
    m.put("shardingKey", "k2");
    assertThat(producer.prepare(m).status()).as("same id, another key").isEqualTo(409);
  }

  /** Consecutive repeats removed: RocketMQ itself may deliver a message twice in a row. */
  private static List<String> collapsed(List<String> ids) {
    List<String> out = new ArrayList<>();
    for (String id : ids) {
      if (out.isEmpty() || !out.get(out.size() - 1).equals(id)) {
        out.add(id);
      }
    }
    return out;
  }

  private Map<String, Object> message(String shardingKey) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("messageId", UUID.randomUUID().toString());
    m.put("producerGroup", "order-service");
    m.put("topic", topic);
    m.put("body", "{}");
    if (shardingKey != null) {
      m.put("shardingKey", shardingKey);
    }
    return m;
  }

  private String prepare(String shardingKey) {
    Map<String, Object> m = message(shardingKey);
    Response r = producer.prepare(m);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return (String) m.get("messageId");
  }

  private String send(String shardingKey) {
    String id = prepare(shardingKey);
    assertThat(producer.commit(id).status()).isEqualTo(200);
    return id;
  }

  private void subscribe(String group, long ackTimeoutMs) {
    subscribe(group, ackTimeoutMs, 16);
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

  /** One clock for every consumer of a test, so that their events can be compared. */
  private static final AtomicLong EVENTS = new AtomicLong();

  /**
   * A plain consumer of the topic that acks what it applies, in the order it applies it, and can
   * drop its first deliveries as a consumer that failed would.
   */
  private final class AckingConsumer implements AutoCloseable {
    private final PlainConsumer plain;
    private final List<String> applied = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Map<String, Long> firstReceipts = new ConcurrentHashMap<>();
    private final Map<String, Integer> firstQueues = new ConcurrentHashMap<>();
    private final Map<String, String> shardingKeys = new ConcurrentHashMap<>();
    private final Map<String, Long> appliedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> appliedWallClock = new ConcurrentHashMap<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private volatile int toDrop;
    private final Set<String> neverApplied = ConcurrentHashMap.newKeySet();

    AckingConsumer(String group) throws Exception {
      plain = new PlainConsumer(mq.instance().namesrvAddr(), group, topic, "*");
      plain.onMessage(m -> apply(group, m));
    }

    void dropFirstDeliveries(int n) {
      toDrop = n;
    }

    /** As a consumer that fails on this message, however often it comes. */
    void neverApply(String id) {
      neverApplied.add(id);
    }

    private synchronized void apply(String group, MessageExt m) {
      String id = m.getUserProperty(RocketMqHeaders.MESSAGE_ID);
      received.add(id);
      firstReceipts.putIfAbsent(id, EVENTS.incrementAndGet());
      firstQueues.putIfAbsent(id, m.getQueueId());
      shardingKeys.put(id, String.valueOf(m.getProperty(MessageConst.PROPERTY_SHARDING_KEY)));
      if (toDrop > 0 || neverApplied.contains(id)) {
        toDrop = Math.max(0, toDrop - 1);
        return;
      }
      if (seen.add(id)) {
        applied.add(id);
        appliedAt.put(id, EVENTS.incrementAndGet());
        appliedWallClock.put(id, System.currentTimeMillis());
      }
      consumer.post(
          "/api/v1/acks",
          BrokerClient.json(List.of(Map.of("messageId", id, "consumerGroup", group))));
    }

    List<String> applied() {
      return List.copyOf(applied);
    }

    long firstReceipt(String id) {
      return firstReceipts.get(id);
    }

    int firstQueue(String id) {
      return firstQueues.get(id);
    }

    String shardingKey(String id) {
      return shardingKeys.get(id);
    }

    long appliedAt(String id) {
      return appliedAt.get(id);
    }

    long appliedWallClock(String id) {
      return appliedWallClock.get(id);
    }

    List<String> applied(List<String> of) {
      return applied.stream().filter(of::contains).toList();
    }

    List<String> received(List<String> of) {
      return received.stream().filter(of::contains).toList();
    }

    @Override
    public void close() {
      plain.close();
    }
  }
}
