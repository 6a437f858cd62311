package io.halfmsg.broker.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.testsupport.db.TestDatabase;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** Stop the broker and start a new one on the same database: every message is still there. */
class RestartTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @Test
  void everyMessageKeepsItsStateAcrossARestart() {
    Map<String, String> expected = new LinkedHashMap<>();
    try (ConfigurableApplicationContext broker = startBroker()) {
      BrokerClient producer = client(broker, BrokerClient.PRODUCER_TOKEN);
      for (int i = 0; i < 60; i++) {
        String id = UUID.randomUUID().toString();
        assertThat(producer.prepare(MessageApiTest.message(id)).status()).isEqualTo(201);
        String state = "PREPARED";
        if (i % 3 == 1) {
          state = producer.commit(id).text("state");
        } else if (i % 3 == 2) {
          state = producer.rollback(id).text("state");
        }
        expected.put(id, state);
      }
    }

    try (ConfigurableApplicationContext broker = startBroker()) {
      BrokerClient admin = client(broker, BrokerClient.ADMIN_TOKEN);
      Map<String, String> actual = new LinkedHashMap<>();
      expected
          .keySet()
          .forEach(id -> actual.put(id, admin.get("/api/v1/messages/" + id).text("state")));
      assertThat(actual).isEqualTo(expected);
      assertThat(expected).containsValues("PREPARED", "COMMITTED", "ROLLED_BACK");

      BrokerClient producer = client(broker, BrokerClient.PRODUCER_TOKEN);
      String prepared =
          expected.entrySet().stream()
              .filter(e -> e.getValue().equals("PREPARED"))
              .findFirst()
              .orElseThrow()
              .getKey();
      assertThat(producer.commit(prepared).text("state")).isEqualTo("COMMITTED");
    }
  }

  private static ConfigurableApplicationContext startBroker() {
    return BrokerInstances.start(db, Map.of());
  }

  private static BrokerClient client(ConfigurableApplicationContext broker, String token) {
    return BrokerInstances.client(broker, token);
  }
}
