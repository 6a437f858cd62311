package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A group acks a message whose forwarding the broker has not confirmed yet (the confirmation of the
 * send is late, or lost with a crash): the ack itself proves the message is in RocketMQ, so the
 * message becomes FORWARDED then, is not sent again, and its history shows FORWARDED before ACKED.
 * No RocketMQ here: nothing confirms the send, as if its confirmation were lost.
 */
@BrokerTest(properties = {"halfmsg.check-back.first-check-after=1h"})
class AckSettlesForwardingTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;
  BrokerClient producer;
  BrokerClient consumer;
  BrokerClient admin;

  @BeforeEach
  void clients() {
    producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    consumer = producer.withToken(BrokerClient.CONSUMER_TOKEN);
    admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
  }

  @Test
  void anAckOfACommittedMessageMakesItForwarded() {
    String topic = "t_" + UUID.randomUUID().toString().substring(0, 8);
    String group = "g_" + topic;
    assertThat(
            consumer
                .put(
                    "/api/v1/subscriptions/" + group,
                    BrokerClient.json(Map.of("topics", List.of(topic))))
                .status())
        .isEqualTo(200);
    Map<String, Object> m = DeliveryTest.message(topic, "deduct");
    String id = (String) m.get("messageId");
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    assertThat(producer.commit(id).status()).isEqualTo(200);
    assertThat(message(id).path("state").asText()).isEqualTo("COMMITTED");

    consumer.post(
        "/api/v1/acks",
        BrokerClient.json(List.of(Map.of("messageId", id, "consumerGroup", group))));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "FORWARDED".equals(message(id).path("state").asText()));
    List<String> events = new ArrayList<>();
    message(id).path("history").forEach(e -> events.add(e.path("event").asText()));
    assertThat(events).containsSubsequence("FORWARDED", "ACKED");
  }

  private JsonNode message(String id) {
    return admin.get("/api/v1/messages/" + id).json();
  }
}
