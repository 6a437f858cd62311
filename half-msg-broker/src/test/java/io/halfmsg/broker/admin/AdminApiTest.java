package io.halfmsg.broker.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

@BrokerTest(properties = {"halfmsg.check-back.first-check-after=1h"})
class AdminApiTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;

  @Test
  void listsMessagesPageByPageWithFiltersAndCountsThem() {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    List<String> ordersIds = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String id = prepare(producer, i % 2 == 0 ? "orders" : "payments");
      if (i % 2 == 0) {
        ordersIds.add(id);
      }
      if (i == 0) {
        producer.rollback(id);
      }
    }

    List<String> seen = new ArrayList<>();
    String after = null;
    do {
      Response page =
          admin.get(
              "/api/v1/messages?topic=orders&limit=3" + (after == null ? "" : "&after=" + after));
      assertThat(page.status()).isEqualTo(200);
      page.json().get("items").forEach(i -> seen.add(i.get("messageId").asText()));
      assertThat(page.json().get("items").get(0).has("body")).isFalse();
      after = page.json().hasNonNull("next") ? page.json().get("next").asText() : null;
    } while (after != null);
    assertThat(seen).containsExactlyElementsOf(ordersIds);

    JsonNode prepared =
        admin.get("/api/v1/messages?state=PREPARED&producerGroup=order-service").json();
    assertThat(prepared.get("items")).hasSize(6);
    JsonNode stats = admin.get("/api/v1/stats").json();
    assertThat(stats.get("messages").get("PREPARED").asLong()).isEqualTo(6);
    assertThat(stats.get("messages").get("ROLLED_BACK").asLong()).isEqualTo(1);
    assertThat(stats.get("deliveries").get("DEAD").asLong()).isZero();

    assertThat(admin.get("/api/v1/messages?state=NOPE").status()).isEqualTo(400);
    assertThat(admin.get("/api/v1/messages?limit=0").status()).isEqualTo(400);
    assertThat(admin.get("/api/v1/messages?after=abc").status()).isEqualTo(400);
    assertThat(producer.get("/api/v1/messages").status()).isEqualTo(403);
    assertThat(producer.get("/api/v1/stats").status()).isEqualTo(403);
  }

  private static String prepare(BrokerClient producer, String topic) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("messageId", UUID.randomUUID().toString());
    m.put("producerGroup", "order-service");
    m.put("topic", topic);
    m.put("body", "{}");
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    return (String) m.get("messageId");
  }
}
