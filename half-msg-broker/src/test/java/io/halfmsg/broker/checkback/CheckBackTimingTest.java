package io.halfmsg.broker.checkback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With the default settings a silent producer's message is resolved about 5 s after prepare. */
@BrokerTest(properties = {"halfmsg.check-back.default-secret=timing-secret"})
class CheckBackTimingTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;

  @Test
  void aSilentProducersMessageIsResolvedAboutFiveSecondsAfterPrepare() throws Exception {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    try (FakeProducer fake = new FakeProducer("timing-secret")) {
      producer.put(
          "/api/v1/producer-groups/order-service/endpoints",
          BrokerClient.json(Map.of("checkBackUrl", fake.url())));
      Map<String, Object> m = CheckBackTest.messageFor("order-service");
      String id = (String) m.get("messageId");

      long start = System.nanoTime();
      producer.prepare(m);
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> "COMMITTED".equals(admin.get("/api/v1/messages/" + id).text("state")));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      System.out.println("Silent producer resolved by check-back after " + took.toMillis() + " ms");
      assertThat(took).isBetween(Duration.ofSeconds(5), Duration.ofMillis(6_500));
    }
  }
}
