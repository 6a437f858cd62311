package io.halfmsg.broker.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What an operator looks at besides messages by state: listings by consumer group, id and time, the
 * oldest of what waits, subscriptions with their lag, and producer instances with their last
 * heartbeat. No RocketMQ: a committed message waits COMMITTED, its delivery PENDING.
 */
@BrokerTest(
    properties = {
      "halfmsg.check-back.first-check-after=1h",
      "halfmsg.check-back.default-secret=operations-view-secret",
      "halfmsg.check-back.allowed-hosts=127.0.0.1/32"
    })
class OperationsViewTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @DynamicPropertySource
  static void datasource(DynamicPropertyRegistry registry) {
    db.registerSpringProperties(registry::add);
  }

  @LocalServerPort int port;

  @Test
  void filtersByConsumerGroupIdAndTimeAndShowsWhatWaitsAndWho() {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    BrokerClient consumer = producer.withToken(BrokerClient.CONSUMER_TOKEN);
    BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    assertThat(
            consumer
                .put(
                    "/api/v1/subscriptions/lagging",
                    BrokerClient.json(Map.of("topics", List.of("invoices"))))
                .status())
        .isEqualTo(200);
    Response registered =
        producer.put(
            "/api/v1/producer-groups/billing/endpoints",
            BrokerClient.json(
                Map.of(
                    "checkBackUrl", "http://127.0.0.1:9/halfmsg/check", "instanceId", "bill-1")));
    assertThat(registered.status()).as(registered.body()).isEqualTo(200);
    String before = Instant.now().minusSeconds(1).toString();
    String delivered = prepare(producer);
    String other = prepare(producer);
    assertThat(producer.commit(delivered).status()).isEqualTo(200);

    assertThat(ids(admin.get("/api/v1/messages?consumerGroup=lagging"))).containsExactly(delivered);
    assertThat(ids(admin.get("/api/v1/messages?messageId=" + other))).containsExactly(other);
    assertThat(ids(admin.get("/api/v1/messages?topic=invoices&from=" + before)))
        .containsExactly(delivered, other);
    assertThat(ids(admin.get("/api/v1/messages?topic=invoices&to=" + before))).isEmpty();
    assertThat(admin.get("/api/v1/messages?from=yesterday").status()).isEqualTo(400);
    assertThat(admin.get("/api/v1/messages?consumerGroup=bad!").status()).isEqualTo(400);

    JsonNode stats = admin.get("/api/v1/stats").json();
    assertThat(stats.hasNonNull("oldestPrepared")).isTrue();
    assertThat(stats.hasNonNull("oldestUnforwarded")).isTrue();
    assertThat(stats.hasNonNull("oldestPendingDelivery")).isTrue();
    assertThat(stats.get("paused")).isEmpty();
    assertThat(stats.get("rocketMq").get("status").asText()).isEqualTo("UNKNOWN");

    JsonNode lag = null;
    for (JsonNode s : admin.get("/api/v1/subscriptions").json()) {
      if (s.get("consumerGroup").asText().equals("lagging")) {
        lag = s;
      }
    }
    assertThat(lag).isNotNull();
    assertThat(lag.get("unacked").asLong()).isEqualTo(1);
    assertThat(lag.get("dead").asLong()).isZero();
    assertThat(lag.hasNonNull("oldestUnackedAt")).isTrue();

    JsonNode instances = admin.get("/api/v1/producer-groups").json().get("billing");
    assertThat(instances).hasSize(1);
    assertThat(instances.get(0).get("instanceId").asText()).isEqualTo("bill-1");
    assertThat(instances.get(0).get("live").asBoolean()).isTrue();
    assertThat(instances.get(0).hasNonNull("lastHeartbeat")).isTrue();
    assertThat(producer.get("/api/v1/producer-groups").status()).isEqualTo(403);
  }

  private static List<String> ids(Response page) {
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    page.json().get("items").forEach(i -> ids.add(i.get("messageId").asText()));
    return ids;
  }

  private static String prepare(BrokerClient producer) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("messageId", UUID.randomUUID().toString());
    m.put("producerGroup", "billing");
    m.put("topic", "invoices");
    m.put("body", "{}");
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    return (String) m.get("messageId");
  }
}
