package io.halfmsg.broker.delivery;

import static io.halfmsg.broker.BrokerClient.commitOf;
import static io.halfmsg.broker.BrokerClient.rollbackOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Messages committed through {@code POST /api/v1/decisions} go the way single commits go: a
 * delivery per subscribed group in the commit's transaction, then the fast path to RocketMQ.
 */
@BrokerTest(
    properties = {
      "halfmsg.delivery.poll-interval=100ms",
      "halfmsg.check-back.first-check-after=1h"
    })
class BatchForwardingTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @LocalServerPort int port;

  @Test
  void committedItemsOfABatchAreForwardedAndGetDeliveriesRolledBackOnesNever() throws Exception {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    BrokerClient consumer = producer.withToken(BrokerClient.CONSUMER_TOKEN);
    BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    String topic = "tb_" + UUID.randomUUID().toString().substring(0, 8);
    mq.instance().createTopic(topic);
    String group = "g_" + topic;
    Response subscribed =
        consumer.put(
            "/api/v1/subscriptions/" + group,
            BrokerClient.json(Map.of("topics", List.of(topic), "ackTimeoutMs", 120_000)));
    assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(200);

    try (PlainConsumer plain =
        new PlainConsumer(mq.instance().namesrvAddr(), "plain_" + topic, topic, "*")) {
      List<Map<String, Object>> messages = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        messages.add(DeliveryTest.message(topic, "deduct"));
      }
      List<String> ids = messages.stream().map(m -> (String) m.get("messageId")).toList();
      assertThat(statuses(producer.prepareBatch(messages))).containsOnly(201);

      List<String> committed = ids.subList(0, 4);
      String rolledBack = ids.get(4);
      List<Map<String, String>> decisions = new ArrayList<>();
      committed.forEach(id -> decisions.add(commitOf(id)));
      decisions.add(rollbackOf(rolledBack));
      assertThat(statuses(producer.decide(decisions))).containsOnly(200);

      for (String id : committed) {
        await().atMost(PATIENCE).until(() -> plain.count(id) >= 1);
        await()
            .atMost(PATIENCE)
            .until(() -> "FORWARDED".equals(admin.get("/api/v1/messages/" + id).text("state")));
        JsonNode deliveries = admin.get("/api/v1/messages/" + id).json().path("deliveries");
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).path("consumerGroup").asText()).isEqualTo(group);
        assertThat(deliveries.get(0).path("state").asText()).isEqualTo("PENDING");
      }
      assertThat(plain.count(rolledBack)).isZero();
      assertThat(admin.get("/api/v1/messages/" + rolledBack).json().path("deliveries")).isEmpty();
      assertThat(admin.get("/api/v1/messages/" + rolledBack).text("state"))
          .isEqualTo("ROLLED_BACK");
    }
  }

  private static List<Integer> statuses(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return StreamSupport.stream(r.json().path("results").spliterator(), false)
        .map(x -> x.path("status").asInt())
        .toList();
  }
}
