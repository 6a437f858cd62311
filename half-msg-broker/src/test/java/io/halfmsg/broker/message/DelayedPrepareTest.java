package io.halfmsg.broker.message;

import static io.halfmsg.broker.BrokerClient.ADMIN_TOKEN;
import static io.halfmsg.broker.BrokerClient.PRODUCER_TOKEN;
import static io.halfmsg.broker.message.MessageApiTest.message;
import static io.halfmsg.broker.message.MessageApiTest.newId;
import static java.time.temporal.ChronoUnit.MILLIS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * The prepare's {@code deliverAfterMs} and {@code deliverAt}: stored as {@code deliverAt}, checked
 * against {@code halfmsg.delivery.max-delay} (its default, 40 days, here), part of the content a
 * retried prepare must repeat.
 */
@BrokerTest(properties = "halfmsg.check-back.first-check-after=1h")
@Import(MessageApiTest.Clocks.class)
class DelayedPrepareTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  static final Instant START = MessageApiTest.START;
  static final Duration MAX = Duration.ofDays(40);

  @LocalServerPort int port;
  @Autowired MutableClock clock;

  BrokerClient producer;
  BrokerClient admin;

  @BeforeEach
  void clients() {
    clock.set(START);
    producer = new BrokerClient(port, PRODUCER_TOKEN);
    admin = new BrokerClient(port, ADMIN_TOKEN);
  }

  @Test
  void deliverAfterMsAndDeliverAtAreStoredAsDeliverAt() {
    Map<String, Object> relative = delayed("deliverAfterMs", 90_000L);
    Map<String, Object> absolute = delayed("deliverAt", START.plusSeconds(60).toEpochMilli());
    Map<String, Object> atMost = delayed("deliverAfterMs", MAX.toMillis());
    Map<String, Object> past = delayed("deliverAt", 0L);
    for (Map<String, Object> m : List.of(relative, absolute, atMost, past)) {
      Response r = producer.prepare(m);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    assertThat(deliverAt(relative)).isEqualTo(START.plusSeconds(90));
    assertThat(deliverAt(absolute)).isEqualTo(START.plusSeconds(60).truncatedTo(MILLIS));
    assertThat(deliverAt(atMost)).isEqualTo(START.plus(MAX));
    assertThat(deliverAt(past))
        .as("a time in the past is allowed: forwarded at once")
        .isEqualTo(Instant.EPOCH);
    Map<String, Object> plain = message(newId());
    producer.prepare(plain);
    assertThat(admin.get("/api/v1/messages/" + plain.get("messageId")).json().has("deliverAt"))
        .as("none without a delay")
        .isFalse();
  }

  @Test
  void bothTogetherNegativeOrBeyondTheMaximumAre400AndChangeNothing() {
    long before = count();
    Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
    Map<String, Object> both = delayed("deliverAfterMs", 1000L);
    both.put("deliverAt", START.toEpochMilli() + 1000);
    cases.put("deliverAt", both);
    cases.put("deliverAfterMs", delayed("deliverAfterMs", -1L));
    cases.put("deliverAfterMs ", delayed("deliverAfterMs", MAX.toMillis() + 1));
    cases.put("deliverAt ", delayed("deliverAt", -1L));
    cases.put("deliverAt  ", delayed("deliverAt", START.plus(MAX).toEpochMilli() + 1));
    cases.put("deliverAfterMs  ", delayed("deliverAfterMs", Long.MAX_VALUE));
    cases.put("deliverAt   ", delayed("deliverAt", Long.MAX_VALUE));

    for (var c : cases.entrySet()) {
      String field = c.getKey().trim();
      Response r = producer.prepare(c.getValue());
      assertThat(r.status()).as(c.getKey() + ": " + r.body()).isEqualTo(400);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:invalid-request");
      assertThat(r.json().path("violations").findValuesAsText("field")).containsExactly(field);
    }

    List<JsonNode> results =
        MessageBatchApiTest.results(
            producer.prepareBatch(
                List.of(
                    delayed("deliverAfterMs", 1000L),
                    both,
                    delayed("deliverAt", START.plus(MAX).toEpochMilli() + 1))));
    assertThat(results).extracting(r -> r.path("status").asInt()).containsExactly(201, 400, 400);
    assertThat(results.get(1).path("detail").asText()).contains("messages[1].deliverAt");
    assertThat(results.get(2).path("detail").asText())
        .contains("messages[2].deliverAt")
        .contains("max-delay");
    assertThat(count()).isEqualTo(before + 1);
  }

  @Test
  void aRetryWithTheSameDelayIsTheSamePrepareAnyOtherDelayIsAConflict() {
    Map<String, Object> relative = delayed("deliverAfterMs", 60_000L);
    Map<String, Object> absolute = delayed("deliverAt", START.plusSeconds(60).toEpochMilli());
    assertThat(producer.prepare(relative).status()).isEqualTo(201);
    assertThat(producer.prepare(absolute).status()).isEqualTo(201);

    // Retried later: the relative delay still counts from the first prepare.
    clock.set(START.plusSeconds(5));
    assertThat(producer.prepare(relative).status()).isEqualTo(200);
    assertThat(producer.prepare(absolute).status()).isEqualTo(200);
    assertThat(deliverAt(relative)).isEqualTo(START.plusSeconds(60));

    assertThat(producer.prepare(with(relative, "deliverAfterMs", 60_001L)).status()).isEqualTo(409);
    assertThat(
            producer
                .prepare(with(absolute, "deliverAt", (Long) absolute.get("deliverAt") + 1))
                .status())
        .isEqualTo(409);
    Map<String, Object> undelayed = new LinkedHashMap<>(relative);
    undelayed.remove("deliverAfterMs");
    assertThat(producer.prepare(undelayed).status()).isEqualTo(409);
    Map<String, Object> plain = message(newId());
    assertThat(producer.prepare(plain).status()).isEqualTo(201);
    assertThat(producer.prepare(with(plain, "deliverAfterMs", 0L)).status())
        .as("no delay and a zero delay are different content")
        .isEqualTo(409);

    // Of two with one id in a batch, the second is answered as if sent after the first.
    String id = newId();
    Map<String, Object> first = with(message(id), "deliverAfterMs", 1000L);
    List<JsonNode> results =
        MessageBatchApiTest.results(
            producer.prepareBatch(
                List.of(first, first, with(message(id), "deliverAfterMs", 2000L))));
    assertThat(results).extracting(r -> r.path("status").asInt()).containsExactly(201, 200, 409);
  }

  private Map<String, Object> delayed(String field, Object value) {
    return with(message(newId()), field, value);
  }

  private static Map<String, Object> with(Map<String, Object> m, String field, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(m);
    copy.put(field, value);
    return copy;
  }

  private Instant deliverAt(Map<String, Object> m) {
    return Instant.parse(admin.get("/api/v1/messages/" + m.get("messageId")).text("deliverAt"));
  }

  private long count() {
    return admin.get("/api/v1/stats").json().path("messages").path("PREPARED").asLong();
  }
}
