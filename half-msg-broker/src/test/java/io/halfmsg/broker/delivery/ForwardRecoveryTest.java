package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.rocketmq.embedded.EmbeddedRocketMq;
import io.halfmsg.testsupport.db.TestDatabase;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** What the fast path misses, the recovery scanner forwards: RocketMQ down, a broker gone. */
@ExtendWith(OutputCaptureExtension.class)
class ForwardRecoveryTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension static TestDatabase db = new TestDatabase();

  private static final Map<String, Object> FAST =
      Map.of(
          "halfmsg.delivery.forward-retry-after", "500ms",
          "halfmsg.delivery.poll-interval", "100ms",
          "halfmsg.delivery.lease", "2s",
          "halfmsg.rocketmq.send-timeout", "1s");

  @Test
  void aMessageCommittedWhileRocketMqIsDownIsDeliveredWhenItIsBack(CapturedOutput log)
      throws Exception {
    int namesrvPort = freePort();
    int brokerPort = freePort();
    Map<String, Object> props = new java.util.HashMap<>(FAST);
    props.put("halfmsg.rocketmq.namesrv-addr", "127.0.0.1:" + namesrvPort);
    try (ConfigurableApplicationContext broker = BrokerInstances.start(db, props)) {
      BrokerClient producer = BrokerInstances.client(broker, BrokerClient.PRODUCER_TOKEN);
      BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
      Map<String, Object> m = DeliveryTest.message("recovered_topic", "x");
      String id = (String) m.get("messageId");
      producer.prepare(m);

      assertThat(producer.commit(id).status()).isEqualTo(200);
      await("the fast path fails and the message stays committed")
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> "COMMITTED".equals(admin.get("/api/v1/messages/" + id).text("state")));
      // Visible, not silent: in health (the broker itself still takes prepares and commits, so its
      // own status stays UP) and in the log.
      assertThat(admin.get("/actuator/health").text("status")).isEqualTo("UP");
      assertThat(rocketMqHealth(admin)).isEqualTo("UNREACHABLE");
      assertThat(log.getOut()).contains("RocketMQ sends are failing since");

      try (EmbeddedRocketMq mq =
              EmbeddedRocketMq.builder().namesrvPort(namesrvPort).brokerPort(brokerPort).start();
          PlainConsumer consumer = start(mq, "recovered_topic")) {
        await().atMost(PATIENCE).until(() -> consumer.count(id) == 1);
        await()
            .atMost(PATIENCE)
            .until(() -> "FORWARDED".equals(admin.get("/api/v1/messages/" + id).text("state")));
        assertThat(rocketMqHealth(admin)).isEqualTo("UP");
      }
    }
  }

  /**
   * With the default lease (30 s), a message whose recovery send failed during a short outage is
   * tried again within seconds, not when the lease runs out: forwarded soon after RocketMQ is back.
   */
  @Test
  void aFailedRecoverySendIsTriedAgainSoonNotAfterTheLease() throws Exception {
    int namesrvPort = freePort();
    int brokerPort = freePort();
    Map<String, Object> props = new java.util.HashMap<>(FAST);
    props.put("halfmsg.delivery.lease", "30s");
    props.put("halfmsg.rocketmq.namesrv-addr", "127.0.0.1:" + namesrvPort);
    try (ConfigurableApplicationContext broker = BrokerInstances.start(db, props)) {
      BrokerClient producer = BrokerInstances.client(broker, BrokerClient.PRODUCER_TOKEN);
      BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
      Map<String, Object> m = DeliveryTest.message("retried_topic", "x");
      String id = (String) m.get("messageId");
      producer.prepare(m);
      assertThat(producer.commit(id).status()).isEqualTo(200);
      // The recovery scanner claims it (after forward-retry-after, 500 ms): its next look moves
      // from the commit's 500 ms to beyond a second, and its send fails.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                BrokerClient.Response r = admin.get("/api/v1/messages/" + id);
                return Instant.parse(r.text("nextCheckAt"))
                    .isAfter(Instant.parse(r.text("resolvedAt")).plusSeconds(1));
              });

      try (EmbeddedRocketMq mq =
              EmbeddedRocketMq.builder().namesrvPort(namesrvPort).brokerPort(brokerPort).start();
          PlainConsumer consumer = start(mq, "retried_topic")) {
        await("forwarded well before the 30 s lease ran out")
            .atMost(Duration.ofSeconds(12))
            .until(() -> consumer.count(id) == 1);
      }
    }
  }

  /**
   * A fast-path send that fails (here: RocketMQ does not know the topic yet, as right after a
   * start) is retried within about a second, not forward-retry-after (10 s by default) later.
   */
  @Test
  void aFailedFastPathSendIsRetriedSoon() throws Exception {
    try (EmbeddedRocketMq mq = EmbeddedRocketMq.builder().autoCreateTopics(false).start()) {
      Map<String, Object> props =
          Map.of(
              "halfmsg.delivery.poll-interval", "100ms",
              "halfmsg.rocketmq.send-timeout", "1s",
              "halfmsg.rocketmq.namesrv-addr", mq.namesrvAddr());
      try (ConfigurableApplicationContext broker = BrokerInstances.start(db, props)) {
        BrokerClient producer = BrokerInstances.client(broker, BrokerClient.PRODUCER_TOKEN);
        BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
        Map<String, Object> m = DeliveryTest.message("late_topic", "x");
        String id = (String) m.get("messageId");
        producer.prepare(m);
        assertThat(producer.commit(id).status()).isEqualTo(200);
        await("the fast path fails: no route for the topic")
            .atMost(Duration.ofSeconds(10))
            .until(() -> "UNREACHABLE".equals(rocketMqHealth(admin)));

        try (PlainConsumer consumer = start(mq, "late_topic")) {
          // Stored in RocketMQ, not consumed: a new consumer may take seconds more to be allowed
          // to pull ("the subscription is not latest") on a busy machine.
          await("forwarded well before forward-retry-after (10 s)")
              .atMost(Duration.ofSeconds(6))
              .until(() -> "FORWARDED".equals(admin.get("/api/v1/messages/" + id).text("state")));
          await().atMost(PATIENCE).until(() -> consumer.count(id) == 1);
        }
      }
    }
  }

  @Test
  void aMessageCommittedOnABrokerThatNeverSentItIsForwardedByAnother() throws Exception {
    try (EmbeddedRocketMq mq = EmbeddedRocketMq.start();
        PlainConsumer consumer = start(mq, "orphan_topic")) {
      String id;
      // An instance that commits but cannot forward: as if it crashed right after the commit.
      try (ConfigurableApplicationContext mute = BrokerInstances.start(db, FAST)) {
        BrokerClient producer = BrokerInstances.client(mute, BrokerClient.PRODUCER_TOKEN);
        Map<String, Object> m = DeliveryTest.message("orphan_topic", "x");
        id = (String) m.get("messageId");
        producer.prepare(m);
        producer.commit(id);
      }

      Map<String, Object> props = new java.util.HashMap<>(FAST);
      props.put("halfmsg.rocketmq.namesrv-addr", mq.namesrvAddr());
      try (ConfigurableApplicationContext healthy = BrokerInstances.start(db, props)) {
        BrokerClient admin = BrokerInstances.client(healthy, BrokerClient.ADMIN_TOKEN);
        await().atMost(PATIENCE).until(() -> consumer.count(id) == 1);
        await()
            .atMost(PATIENCE)
            .until(() -> "FORWARDED".equals(admin.get("/api/v1/messages/" + id).text("state")));
      }
    }
  }

  /** The rocketMq component's status in the broker's health. */
  private static String rocketMqHealth(BrokerClient client) {
    JsonNode health = client.get("/actuator/health").json();
    return health.path("components").path("rocketMq").path("status").asText();
  }

  private static PlainConsumer start(EmbeddedRocketMq mq, String topic) throws Exception {
    mq.createTopic(topic);
    return new PlainConsumer(mq.namesrvAddr(), "plain_" + topic, topic, "*");
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
