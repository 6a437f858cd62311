package io.halfmsg.broker.deadgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Per-attempt failures of deliveries, DEAD deliveries grouped by the failure that made them DEAD,
 * and the bulk replay of a group after its preview — over real HTTP, with a real (embedded)
 * RocketMQ and consumer groups that never ack.
 */
@BrokerTest(
    properties = {
      "halfmsg.delivery.poll-interval=100ms",
      "halfmsg.delivery.max-backoff=200ms",
      "halfmsg.check-back.first-check-after=1h"
    })
class DeadGroupsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    db.registerSpringProperties(registry::add);
    registry.add("halfmsg.rocketmq.namesrv-addr", () -> mq.instance().namesrvAddr());
  }

  @LocalServerPort int port;
  BrokerClient producer;
  BrokerClient admin;
  String topic;

  @BeforeEach
  void setUp() {
    producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    topic = "dg_" + UUID.randomUUID().toString().substring(0, 8);
    mq.createTopic(topic);
  }

  @Test
  void eachDeliveryKeepsItsLatestFiveFailedAttempts() {
    String group = "slow_" + topic;
    subscribe(group, 100, 7);
    String id = send();

    awaitDead(id, group);

    JsonNode failures = admin.delivery(id, group).get("failures");
    assertThat(failures).hasSize(5);
    assertThat(failures).extracting(f -> f.get("attempt").asInt()).containsExactly(3, 4, 5, 6, 7);
    assertThat(failures)
        .allSatisfy(
            f -> {
              assertThat(f.get("cause").asText()).isEqualTo("ACK_TIMEOUT");
              assertThat(f.get("detail").asText()).isEqualTo("no ack within 100 ms");
              assertThat(f.hasNonNull("failedAt")).isTrue();
            });
  }

  @Test
  void deadDeliveriesAreGroupedByGroupAndCauseAndAGroupIsReplayedOnlyAsPreviewed() {
    String fast = "fast_" + topic;
    String slow = "slower_" + topic;
    subscribe(fast, 100, 2);
    subscribe(slow, 150, 2);
    List<String> ids = List.of(send(), send(), send());
    ids.forEach(
        id -> {
          awaitDead(id, fast);
          awaitDead(id, slow);
        });

    JsonNode groups = admin.get("/api/v1/deliveries/dead-groups").json();
    JsonNode fastGroup = groupOf(groups, fast);
    assertThat(fastGroup.get("deliveries").asLong()).isEqualTo(3);
    assertThat(fastGroup.get("cause").asText()).isEqualTo("ACK_TIMEOUT");
    assertThat(fastGroup.get("sample").asText()).isEqualTo("no ack within 100 ms");
    // The same kind of failure (numbers do not tell kinds apart), but another group.
    assertThat(groupOf(groups, slow).get("fingerprint").asText())
        .isEqualTo(fastGroup.get("fingerprint").asText());
    assertThat(groupOf(groups, slow).get("deliveries").asLong()).isEqualTo(3);
    String path =
        "/api/v1/deliveries/dead-groups/" + fast + "/" + fastGroup.get("fingerprint").asText();

    Response preview = admin.get(path);
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);
    assertThat(preview.json().get("count").asInt()).isEqualTo(3);
    assertThat(preview.json().get("firstPage"))
        .extracting(d -> d.get("messageId").asText())
        .containsExactlyElementsOf(ids);

    // A delivery that dies after the preview has a higher id: the confirmation leaves it alone.
    String later = send();
    awaitDead(later, fast);
    assertThat(replay(path, preview.text("confirmation"), null).status()).isEqualTo(400);
    assertThat(replay(path, "3.1.nothex", "r").status()).isEqualTo(400);
    Response replayed = replay(path, preview.text("confirmation"), "consumer fixed");

    assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
    assertThat(replayed.json().get("replayed").asInt()).isEqualTo(3);
    assertThat(state(later, fast)).isEqualTo("DEAD");
    ids.forEach(id -> assertThat(state(id, slow)).isEqualTo("DEAD"));
    for (String id : ids) {
      assertThat(admin.operatorLines(id))
          .containsExactly(
              "REPLAYED "
                  + fast
                  + " admin bulk replay of 3 DEAD deliveries failing as "
                  + fastGroup.get("fingerprint").asText()
                  + ": consumer fixed");
    }
  }

  @Test
  void aGroupThatChangedSinceItsPreviewIsNotReplayed() {
    String group = "stale_" + topic;
    // Two attempts: the last failure is the redelivery's ack timeout, whatever the first was.
    subscribe(group, 100, 2);
    List<String> ids = List.of(send(), send());
    ids.forEach(id -> awaitDead(id, group));
    String fingerprint =
        groupOf(admin.get("/api/v1/deliveries/dead-groups").json(), group)
            .get("fingerprint")
            .asText();
    String path = "/api/v1/deliveries/dead-groups/" + group + "/" + fingerprint;
    String confirmation = admin.get(path).text("confirmation");

    // A late ack of a DEAD delivery counts: it leaves the group.
    BrokerClient consumer = producer.withToken(BrokerClient.CONSUMER_TOKEN);
    assertThat(
            consumer
                .post(
                    "/api/v1/acks",
                    BrokerClient.json(
                        List.of(Map.of("messageId", ids.get(0), "consumerGroup", group))))
                .status())
        .isEqualTo(200);

    Response stale = replay(path, confirmation, "after the ack");

    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.problemType()).isEqualTo("urn:halfmsg:problem:preview-stale");
    assertThat(state(ids.get(1), group)).isEqualTo("DEAD");
    Response again = admin.get(path);
    assertThat(again.json().get("count").asInt()).isEqualTo(1);
    assertThat(
            replay(path, again.text("confirmation"), "previewed again")
                .json()
                .get("replayed")
                .asInt())
        .isEqualTo(1);
    assertThat(
            admin
                .get("/api/v1/deliveries/dead-groups/" + group + "/0123456789abcdef")
                .problemType())
        .isEqualTo("urn:halfmsg:problem:dead-group-not-found");
    assertThat(admin.get("/api/v1/deliveries/dead-groups/" + group + "/XYZ").status())
        .isEqualTo(400);
  }

  private JsonNode groupOf(JsonNode groups, String consumerGroup) {
    for (JsonNode g : groups) {
      if (g.get("consumerGroup").asText().equals(consumerGroup)) {
        return g;
      }
    }
    throw new AssertionError("no DEAD group of " + consumerGroup + " in " + groups);
  }

  private Response replay(String path, String confirmation, String reason) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("confirmation", confirmation);
    body.put("reason", reason);
    return admin.post(path + "/replay", BrokerClient.json(body));
  }

  private void subscribe(String group, long ackTimeoutMs, int maxAttempts) {
    Response r =
        producer
            .withToken(BrokerClient.CONSUMER_TOKEN)
            .put(
                "/api/v1/subscriptions/" + group,
                BrokerClient.json(
                    Map.of(
                        "topics", List.of(topic),
                        "ackTimeoutMs", ackTimeoutMs,
                        "maxAttempts", maxAttempts)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private String send() {
    return producer.prepareAndCommit("dg-producer", topic);
  }

  private void awaitDead(String id, String group) {
    await(id + " DEAD for " + group).atMost(PATIENCE).until(() -> "DEAD".equals(state(id, group)));
  }

  private String state(String id, String group) {
    return admin.delivery(id, group).path("state").asText();
  }
}
