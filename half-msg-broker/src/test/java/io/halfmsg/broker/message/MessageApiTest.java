package io.halfmsg.broker.message;

import static io.halfmsg.broker.BrokerClient.ADMIN_TOKEN;
import static io.halfmsg.broker.BrokerClient.CONSUMER_TOKEN;
import static io.halfmsg.broker.BrokerClient.PRODUCER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.time.MutableClock;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

@BrokerTest(
    properties = {
      "halfmsg.message.max-body-size=1KB",
      "halfmsg.api.max-request-size=16KB",
      "halfmsg.check-back.first-check-after=7s"
    })
class MessageApiTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @TestConfiguration
  static class Clocks {
    @Bean
    @Primary
    MutableClock testClock() {
      return new MutableClock(START);
    }
  }

  static final Instant START = Instant.parse("2026-03-01T23:30:00.123456Z");

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

  static Map<String, Object> message(String id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("messageId", id);
    m.put("producerGroup", "order-service");
    m.put("topic", "repo_deduction");
    m.put("tag", "deduct");
    m.put("keys", "order-1 order-1-item");
    m.put("body", "{\"orderNo\":\"order-1\",\"count\":2}");
    m.put("properties", Map.of("traceId", "abc"));
    return m;
  }

  static String newId() {
    return UUID.randomUUID().toString();
  }

  @Test
  void prepareStoresAPreparedMessageWithItsContent() {
    String id = newId();
    Response r = producer.prepare(message(id));

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.text("messageId")).isEqualTo(id);
    assertThat(r.text("state")).isEqualTo("PREPARED");

    Response stored = admin.get("/api/v1/messages/" + id);
    assertThat(stored.status()).isEqualTo(200);
    assertThat(stored.text("producerGroup")).isEqualTo("order-service");
    assertThat(stored.text("topic")).isEqualTo("repo_deduction");
    assertThat(stored.text("tag")).isEqualTo("deduct");
    assertThat(stored.text("keys")).isEqualTo("order-1 order-1-item");
    assertThat(stored.text("body")).isEqualTo("{\"orderNo\":\"order-1\",\"count\":2}");
    assertThat(stored.json().get("properties").get("traceId").asText()).isEqualTo("abc");
    assertThat(stored.text("state")).isEqualTo("PREPARED");
    assertThat(stored.text("createdAt")).isEqualTo("2026-03-01T23:30:00.123456Z");
    assertThat(stored.text("nextCheckAt")).isEqualTo("2026-03-01T23:30:07.123456Z");
  }

  @Test
  void propertyNamesRocketMqAcceptsAreAccepted() {
    String id = newId();
    Map<String, Object> m = message(id);
    m.put("properties", Map.of("order:id", "42", "my key", "v", "名字", "值", "note", "a\nb"));

    Response r = producer.prepare(m);

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode properties = admin.get("/api/v1/messages/" + id).json().get("properties");
    assertThat(properties.get("order:id").asText()).isEqualTo("42");
    assertThat(properties.get("my key").asText()).isEqualTo("v");
    assertThat(properties.get("名字").asText()).isEqualTo("值");
    assertThat(properties.get("note").asText()).isEqualTo("a\nb");
  }

  @Test
  void propertiesRocketMqCannotCarryAreRefused() {
    for (Map<String, String> bad :
        List.of(
            Map.of("a\u0001b", "v"),
            Map.of("a\u0002b", "v"),
            Map.of("v", "x\u0001y"),
            Map.of("UNIQ_KEY", "v"),
            Map.of("HALFMSG_ID", "v"),
            Map.of(" ", "v"),
            Map.of("x".repeat(65), "v"))) {
      Map<String, Object> m = message(newId());
      m.put("properties", bad);
      assertThat(producer.prepare(m).status()).as(bad.keySet().toString()).isEqualTo(400);
    }
  }

  @Test
  void timesAreStoredAsUtcWhateverTheSessionAndJvmZones() throws Exception {
    String id = newId();
    producer.prepare(message(id));

    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT CAST(created_at AS CHAR) FROM hm_message WHERE message_id = '"
                    + id
                    + "'")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("2026-03-01 23:30:00.123456");
    }
  }

  @Test
  void checkAfterMsOverridesTheFirstCheckDelay() {
    String id = newId();
    Map<String, Object> m = message(id);
    m.put("checkAfterMs", 1500);
    producer.prepare(m);

    assertThat(admin.get("/api/v1/messages/" + id).text("nextCheckAt"))
        .isEqualTo("2026-03-01T23:30:01.623456Z");
  }

  @Test
  void theBrokerGeneratesATimeOrderedIdWhenNoneIsGiven() {
    Map<String, Object> m = message(null);
    m.remove("messageId");
    Response first = producer.prepare(m);
    Response second = producer.prepare(m);

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(201);
    String a = first.text("messageId");
    String b = second.text("messageId");
    assertThat(a).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void binaryBodiesTravelAsBase64() {
    String id = newId();
    byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0xfe};
    Map<String, Object> m = message(id);
    m.put("body", Base64.getEncoder().encodeToString(bytes));
    m.put("bodyEncoding", "base64");

    assertThat(producer.prepare(m).status()).isEqualTo(201);
    Response stored = admin.get("/api/v1/messages/" + id);
    assertThat(stored.text("bodyEncoding")).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(stored.text("body"))).isEqualTo(bytes);
    assertThat(producer.prepare(m).status()).isEqualTo(200);
  }

  @Test
  void aRepeatedPrepareWithTheSameContentAnswersTheStoredState() {
    String id = newId();
    assertThat(producer.prepare(message(id)).status()).isEqualTo(201);
    assertThat(producer.commit(id).status()).isEqualTo(200);

    Response again = producer.prepare(message(id));

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.text("state")).isEqualTo("COMMITTED");
  }

  @Test
  void aPrepareReusingAnIdWithOtherContentIsAConflict() {
    String id = newId();
    producer.prepare(message(id));
    Map<String, Object> other = message(id);
    other.put("body", "something else");

    Response r = producer.prepare(other);

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:message-conflict");
    assertThat(admin.get("/api/v1/messages/" + id).text("body")).contains("order-1");
  }

  @Test
  void commitIsIdempotentAndRecordedAsTheProducers() {
    String id = newId();
    producer.prepare(message(id));
    clock.advance(java.time.Duration.ofSeconds(2));

    Response first = producer.commit(id);
    Response second = producer.commit(id);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.text("state")).isEqualTo("COMMITTED");
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.text("state")).isEqualTo("COMMITTED");
    Response stored = admin.get("/api/v1/messages/" + id);
    assertThat(stored.text("resolvedBy")).isEqualTo("PRODUCER");
    assertThat(stored.text("resolvedAt")).isEqualTo("2026-03-01T23:30:02.123456Z");
  }

  @Test
  void rollbackIsIdempotent() {
    String id = newId();
    producer.prepare(message(id));

    assertThat(producer.rollback(id).text("state")).isEqualTo("ROLLED_BACK");
    assertThat(producer.rollback(id).status()).isEqualTo(200);
    assertThat(admin.get("/api/v1/messages/" + id).text("state")).isEqualTo("ROLLED_BACK");
  }

  @Test
  void commitAfterRollbackAndRollbackAfterCommitAreConflicts() {
    String rolledBack = newId();
    producer.prepare(message(rolledBack));
    producer.rollback(rolledBack);
    String committed = newId();
    producer.prepare(message(committed));
    producer.commit(committed);

    Response commit = producer.commit(rolledBack);
    Response rollback = producer.rollback(committed);

    assertThat(commit.status()).isEqualTo(409);
    assertThat(commit.problemType()).isEqualTo("urn:halfmsg:problem:state-conflict");
    assertThat(rollback.status()).isEqualTo(409);
    assertThat(rollback.problemType()).isEqualTo("urn:halfmsg:problem:state-conflict");
    assertThat(admin.get("/api/v1/messages/" + rolledBack).text("state")).isEqualTo("ROLLED_BACK");
    assertThat(admin.get("/api/v1/messages/" + committed).text("state")).isEqualTo("COMMITTED");
  }

  @Test
  void unknownIdsAreNotFound() {
    String id = newId();
    for (Response r :
        new Response[] {
          producer.commit(id), producer.rollback(id), admin.get("/api/v1/messages/" + id)
        }) {
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:message-not-found");
    }
  }

  @Test
  void unknownPathsAreProblemDocuments() {
    Response r = admin.get("/api/v1/nothing-here");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:not-found");
  }

  @Test
  void healthIsPublicAndIncludesTheDatabase() {
    Response r = new BrokerClient(port, null).get("/actuator/health");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("status")).isEqualTo("UP");
    assertThat(r.json().get("components").get("db").get("status").asText()).isEqualTo("UP");
  }

  @Test
  void requestsWithoutAValidTokenAreUnauthorized() {
    Response none = new BrokerClient(port, null).prepare(message(newId()));
    Response unknown = new BrokerClient(port, "guess").prepare(message(newId()));
    Response basic =
        new BrokerClient(port, null)
            .send(
                new BrokerClient(port, null)
                    .request("/api/v1/messages")
                    .header("Authorization", "Basic " + PRODUCER_TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(BrokerClient.json(message(newId())))));

    for (Response r : new Response[] {none, unknown, basic}) {
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:unauthorized");
    }
    assertThat(none.body()).doesNotContain(PRODUCER_TOKEN);
  }

  @Test
  void rolesOnlyReachTheirEndpoints() {
    String id = newId();
    BrokerClient consumer = new BrokerClient(port, CONSUMER_TOKEN);

    Response consumerPrepares = consumer.prepare(message(id));
    Response producerReadsAdminApi = producer.get("/api/v1/messages/" + id);

    assertThat(consumerPrepares.status()).isEqualTo(403);
    assertThat(consumerPrepares.problemType()).isEqualTo("urn:halfmsg:problem:forbidden");
    assertThat(producerReadsAdminApi.status()).isEqualTo(403);
    assertThat(admin.prepare(message(id)).status()).as("admin may do everything").isEqualTo(201);
    assertThat(consumer.commit(id).status()).isEqualTo(403);
    assertThat(admin.get("/api/v1/messages/" + id).text("state")).isEqualTo("PREPARED");
  }

  @Test
  void invalidFieldsAreListedInOneBadRequest() throws Exception {
    Map<String, Object> m = new HashMap<>();
    m.put("messageId", "has spaces and is bad");
    m.put("producerGroup", "order service");
    m.put("topic", "t".repeat(128));
    m.put("tag", "a||b");
    m.put("body", "");
    m.put("bodyEncoding", "gzip");
    m.put("properties", Map.of("bad\u0001name", "v"));
    m.put("checkAfterMs", -1);

    long before = messageCount();

    Response r = producer.prepare(m);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:invalid-request");
    assertThat(r.json().get("violations").findValuesAsText("field"))
        .contains(
            "messageId",
            "producerGroup",
            "topic",
            "tag",
            "body",
            "bodyEncoding",
            "properties",
            "checkAfterMs");
    assertThat(messageCount()).isEqualTo(before);
  }

  @Test
  void eachBadInputIsA400AndChangesNothing() throws Exception {
    long before = messageCount();
    Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
    cases.put("no producer group", without("producerGroup"));
    cases.put("no topic", without("topic"));
    cases.put("no body", without("body"));
    cases.put("bad topic charset", with("topic", "orders.v1"));
    cases.put("topic with unicode", with("topic", "订单"));
    cases.put("id too long", with("messageId", "x".repeat(65)));
    cases.put("id that is a path segment", with("messageId", "."));
    cases.put("id that is the parent segment", with("messageId", ".."));
    cases.put("bad base64", with("bodyEncoding", "base64"));
    cases.put("keys with control char", with("keys", "a\u0001b"));
    cases.put("blank tag", with("tag", "  "));
    cases.put("null property value", with("properties", nullValueMap()));
    cases.put("check-after over a day", with("checkAfterMs", 86_400_001L));

    for (var c : cases.entrySet()) {
      Response r = producer.prepare(c.getValue());
      assertThat(r.status()).as(c.getKey()).isEqualTo(400);
      assertThat(r.problemType()).as(c.getKey()).isEqualTo("urn:halfmsg:problem:invalid-request");
    }
    assertThat(messageCount()).isEqualTo(before);
  }

  @Test
  void malformedJsonAndWrongTypesAre400() throws Exception {
    long before = messageCount();
    for (String body :
        new String[] {
          "{not json",
          "",
          "[1,2]",
          "{\"producerGroup\":\"g\",\"topic\":\"t\",\"body\":\"x\",\"checkAfterMs\":\"soon\"}",
          "{\"producerGroup\":{\"a\":1},\"topic\":\"t\",\"body\":\"x\"}",
          "{\"producerGroup\":\"g\",\"topic\":\"t\",\"body\":\"x\",\"properties\":[1]}",
          "{\"producerGroup\":\"g\",\"topic\":\"t\",\"body\":\"x\"} trailing"
        }) {
      Response r = producer.post("/api/v1/messages", body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.contentType()).as(body).startsWith("application/problem+json");
    }
    assertThat(messageCount()).isEqualTo(before);
  }

  @Test
  void otherMediaTypesAreRefused() {
    Response r =
        producer.send(
            producer
                .request("/api/v1/messages")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(BrokerClient.json(message(newId())))));

    assertThat(r.status()).isEqualTo(415);
    assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:unsupported-media-type");
  }

  @Test
  void wrongMethodsAre405() {
    Response r = producer.put("/api/v1/messages/x/commit", "");

    assertThat(r.status()).isIn(403, 405);
    Response asAdmin = admin.put("/api/v1/messages/x/commit", "");
    assertThat(asAdmin.status()).isEqualTo(405);
    assertThat(asAdmin.problemType()).isEqualTo("urn:halfmsg:problem:method-not-allowed");
  }

  @Test
  void aBodyOverTheMessageLimitIs413() throws Exception {
    Map<String, Object> m = message(newId());
    m.put("body", "x".repeat(1025));
    long before = messageCount();

    Response r = producer.prepare(m);

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:payload-too-large");
    assertThat(messageCount()).isEqualTo(before);
  }

  @Test
  void aRequestOverTheRequestLimitIs413WithOrWithoutALength() throws Exception {
    long before = messageCount();
    Map<String, Object> m = message(newId());
    m.put("body", "x".repeat(20 * 1024));
    byte[] json = BrokerClient.json(m).getBytes(java.nio.charset.StandardCharsets.UTF_8);

    Response withLength = producer.prepare(m);
    Response chunked =
        producer.send(
            producer
                .request("/api/v1/messages")
                .header("Content-Type", "application/json")
                .POST(chunked(json)));

    assertThat(withLength.status()).isEqualTo(413);
    assertThat(withLength.problemType()).isEqualTo("urn:halfmsg:problem:payload-too-large");
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(chunked.problemType()).isEqualTo("urn:halfmsg:problem:payload-too-large");
    assertThat(messageCount()).isEqualTo(before);
  }

  /** A body publisher without a known length, so the client sends it chunked. */
  private static HttpRequest.BodyPublisher chunked(byte[] bytes) {
    HttpRequest.BodyPublisher known = HttpRequest.BodyPublishers.ofByteArray(bytes);
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return -1;
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        known.subscribe(subscriber);
      }
    };
  }

  private static Map<String, Object> without(String field) {
    Map<String, Object> m = message(newId());
    m.remove(field);
    return m;
  }

  private static Map<String, Object> with(String field, Object value) {
    Map<String, Object> m = message(newId());
    m.put(field, value);
    return m;
  }

  private static Map<String, String> nullValueMap() {
    Map<String, String> m = new HashMap<>();
    m.put("a", null);
    return m;
  }

  private long messageCount() throws Exception {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM hm_message")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
