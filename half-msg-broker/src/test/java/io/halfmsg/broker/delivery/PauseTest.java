package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Pausing a topic's forwarding, and a consumer group's redelivery, at runtime: prepares and commits
 * go on, nothing paused reaches RocketMQ, everything arrives after the resume; and a pause survives
 * a restart of the broker.
 */
class PauseTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** How long "nothing arrives" is watched: several polls of the scanners (100 ms). */
  private static final Duration QUIET = Duration.ofSeconds(3);

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  ConfigurableApplicationContext broker;
  String topic;

  @BeforeEach
  void setUp() {
    broker = start();
    topic = "pause_" + UUID.randomUUID().toString().substring(0, 8);
    mq.createTopic(topic);
  }

  @AfterEach
  void tearDown() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aPausedTopicTakesCommitsButForwardsNothingUntilResumed() throws Exception {
    try (PlainConsumer plain =
        new PlainConsumer(mq.instance().namesrvAddr(), "plain_" + topic, topic, "*")) {
      Response paused = pause("topics", topic, "RocketMQ maintenance");
      assertThat(paused.status()).as(paused.body()).isEqualTo(200);
      assertThat(paused.text("pausedBy")).isEqualTo("admin");
      assertThat(pausedInStats()).containsExactly("TOPIC " + topic + " RocketMQ maintenance");

      String id = send();

      await("nothing forwarded while paused")
          .during(QUIET)
          .atMost(QUIET.plusSeconds(5))
          .until(() -> plain.count(id) == 0 && "COMMITTED".equals(state(id)));
      assertThat(admin().delete("/api/v1/pauses/topics/" + topic).status()).isEqualTo(204);
      await().atMost(PATIENCE).until(() -> plain.count(id) >= 1);
      await().atMost(PATIENCE).until(() -> "FORWARDED".equals(state(id)));
      assertThat(pausedInStats()).isEmpty();
      assertThat(admin().delete("/api/v1/pauses/topics/" + topic).problemType())
          .isEqualTo("urn:halfmsg:problem:pause-not-found");
    }
  }

  @Test
  void aPausedConsumerGroupGetsNoRedeliveryUntilResumed() {
    String group = "paused_" + topic;
    subscribe(group);
    assertThat(pause("consumer-groups", group, "consumer is being fixed").status()).isEqualTo(200);

    String id = send();
    await().atMost(PATIENCE).until(() -> "FORWARDED".equals(state(id)));

    await("no redelivery while paused, and not DEAD")
        .during(QUIET)
        .atMost(QUIET.plusSeconds(5))
        .until(
            () ->
                admin().delivery(id, group).path("attempts").asInt() == 1
                    && "PENDING".equals(admin().delivery(id, group).path("state").asText()));
    assertThat(admin().delete("/api/v1/pauses/consumer-groups/" + group).status()).isEqualTo(204);
    await().atMost(PATIENCE).until(() -> admin().delivery(id, group).path("attempts").asInt() >= 2);
  }

  @Test
  void aPauseSurvivesARestartOfTheBroker() throws Exception {
    assertThat(pause("topics", topic, "across restarts").status()).isEqualTo(200);
    broker.close();
    broker = start();

    try (PlainConsumer plain =
        new PlainConsumer(mq.instance().namesrvAddr(), "plain_" + topic, topic, "*")) {
      assertThat(pausedInStats()).containsExactly("TOPIC " + topic + " across restarts");
      String id = send();

      await("nothing forwarded after the restart while paused")
          .during(QUIET)
          .atMost(QUIET.plusSeconds(5))
          .until(() -> plain.count(id) == 0 && "COMMITTED".equals(state(id)));
      assertThat(admin().delete("/api/v1/pauses/topics/" + topic).status()).isEqualTo(204);
      await().atMost(PATIENCE).until(() -> plain.count(id) >= 1);
    }
  }

  @Test
  void pausingNeedsAReasonAndAKnownKindAndName() {
    assertThat(pause("topics", topic, " ").status()).isEqualTo(400);
    assertThat(pause("queues", topic, "why").status()).isEqualTo(400);
    assertThat(pause("topics", "bad!name", "why").status()).isEqualTo(400);
    assertThat(
            new BrokerClient(BrokerInstances.port(broker), BrokerClient.PRODUCER_TOKEN)
                .put("/api/v1/pauses/topics/" + topic, "{\"reason\":\"r\"}")
                .status())
        .isEqualTo(403);
    assertThat(pausedInStats()).isEmpty();
  }

  private static ConfigurableApplicationContext start() {
    return BrokerInstances.start(
        db,
        Map.of(
            "halfmsg.rocketmq.namesrv-addr", mq.namesrvAddr(),
            "halfmsg.delivery.poll-interval", "100ms",
            "halfmsg.delivery.forward-retry-after", "1s",
            "halfmsg.check-back.first-check-after", "1h"));
  }

  private BrokerClient admin() {
    return BrokerInstances.client(broker, BrokerClient.ADMIN_TOKEN);
  }

  private Response pause(String kind, String name, String reason) {
    return admin()
        .put("/api/v1/pauses/" + kind + "/" + name, BrokerClient.json(Map.of("reason", reason)));
  }

  private List<String> pausedInStats() {
    JsonNode paused = admin().get("/api/v1/stats").json().get("paused");
    return java.util.stream.StreamSupport.stream(paused.spliterator(), false)
        .map(
            p ->
                p.get("kind").asText()
                    + " "
                    + p.get("name").asText()
                    + " "
                    + p.get("reason").asText())
        .toList();
  }

  private void subscribe(String group) {
    Response r =
        BrokerInstances.client(broker, BrokerClient.CONSUMER_TOKEN)
            .put(
                "/api/v1/subscriptions/" + group,
                BrokerClient.json(
                    Map.of("topics", List.of(topic), "ackTimeoutMs", 300, "maxAttempts", 3)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private String send() {
    return BrokerInstances.client(broker, BrokerClient.PRODUCER_TOKEN)
        .prepareAndCommit("pause-producer", topic);
  }

  private String state(String id) {
    return admin().get("/api/v1/messages/" + id).text("state");
  }
}
