package io.halfmsg.broker.message;

import static io.halfmsg.broker.BrokerClient.ADMIN_TOKEN;
import static io.halfmsg.broker.BrokerClient.CONSUMER_TOKEN;
import static io.halfmsg.broker.BrokerClient.PRODUCER_TOKEN;
import static io.halfmsg.broker.BrokerClient.commitOf;
import static io.halfmsg.broker.BrokerClient.rollbackOf;
import static io.halfmsg.broker.message.MessageApiTest.message;
import static io.halfmsg.broker.message.MessageApiTest.newId;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The batch endpoints over real HTTP: per item exactly what the single calls answer. */
@BrokerTest(
    properties = {
      "halfmsg.message.max-body-size=1KB",
      "halfmsg.api.max-request-size=16KB",
      "halfmsg.api.max-batch-request-size=64KB",
      "halfmsg.check-back.first-check-after=1h"
    })
class MessageBatchApiTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;

  BrokerClient producer;
  BrokerClient admin;

  @BeforeEach
  void clients() {
    producer = new BrokerClient(port, PRODUCER_TOKEN);
    admin = producer.withToken(ADMIN_TOKEN);
  }

  @Test
  void preparesAreAnsweredInOrderAndARepeatedBatchIsIdempotent() {
    List<Map<String, Object>> batch = List.of(message(newId()), message(newId()), message(newId()));
    Map<String, Object> noId = message(null);
    noId.remove("messageId");
    List<Map<String, Object>> withGenerated = new ArrayList<>(batch);
    withGenerated.add(noId);

    Response first = producer.prepareBatch(withGenerated);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.contentType()).startsWith("application/json");
    List<JsonNode> results = results(first);
    assertThat(results).hasSize(4);
    for (int i = 0; i < 3; i++) {
      assertThat(results.get(i).path("messageId").asText())
          .isEqualTo(batch.get(i).get("messageId"));
      assertThat(results.get(i).path("status").asInt()).isEqualTo(201);
      assertThat(results.get(i).path("state").asText()).isEqualTo("PREPARED");
      assertThat(results.get(i).has("type")).isFalse();
    }
    String generated = results.get(3).path("messageId").asText();
    assertThat(generated)
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(admin.get("/api/v1/messages/" + generated).text("body")).contains("order-1");

    producer.commit((String) batch.get(1).get("messageId"));
    List<JsonNode> again = results(producer.prepareBatch(batch));

    assertThat(again).extracting(r -> r.path("status").asInt()).containsExactly(200, 200, 200);
    assertThat(again)
        .extracting(r -> r.path("state").asText())
        .containsExactly("PREPARED", "COMMITTED", "PREPARED");
  }

  @Test
  void decisionsAreAnsweredInOrderLikeTheSingleCalls() {
    String a = newId();
    String b = newId();
    String d = newId();
    String unknown = newId();
    assertThat(results(producer.prepareBatch(List.of(message(a), message(b), message(d)))))
        .allSatisfy(r -> assertThat(r.path("status").asInt()).isEqualTo(201));

    List<JsonNode> results =
        results(
            producer.decide(
                List.of(
                    commitOf(a),
                    rollbackOf(b),
                    commitOf(unknown),
                    rollbackOf(a),
                    commitOf(a),
                    commitOf(d),
                    commitOf(d))));

    assertThat(results)
        .extracting(r -> r.path("status").asInt())
        .containsExactly(200, 200, 404, 409, 200, 200, 200);
    assertThat(results)
        .extracting(r -> r.path("messageId").asText())
        .containsExactly(a, b, unknown, a, a, d, d);
    assertThat(results.get(0).path("state").asText()).isEqualTo("COMMITTED");
    assertThat(results.get(1).path("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(results.get(2).path("type").asText())
        .isEqualTo("urn:halfmsg:problem:message-not-found");
    assertThat(results.get(3).path("type").asText())
        .isEqualTo("urn:halfmsg:problem:state-conflict");
    assertThat(results.get(3).path("state").asText())
        .as("the state that conflicts")
        .isEqualTo("COMMITTED");
    assertThat(results.get(3).path("detail").asText()).contains(a);
    assertThat(state(a)).isEqualTo("COMMITTED");
    assertThat(state(b)).isEqualTo("ROLLED_BACK");
    assertThat(state(d)).isEqualTo("COMMITTED");
    assertThat(admin.get("/api/v1/messages/" + a).text("resolvedBy")).isEqualTo("PRODUCER");

    List<JsonNode> later = results(producer.decide(List.of(commitOf(b), rollbackOf(b))));
    assertThat(later).extracting(r -> r.path("status").asInt()).containsExactly(409, 200);
    assertThat(later.get(1).path("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(producer.commit(b).status()).as("the single call agrees").isEqualTo(409);
  }

  @Test
  void invalidPrepareItemsAreAnsweredAloneAndTheOthersAreWritten() throws Exception {
    long before = messageCount();
    String ok1 = newId();
    String ok2 = newId();
    String tooLarge = newId();
    Map<String, Object> badTopic = message(newId());
    badTopic.put("topic", "orders.v1");
    Map<String, Object> big = message(tooLarge);
    big.put("body", "x".repeat(1025));
    Map<String, Object> badId = message("has spaces");
    Map<String, Object> twoWrong = message(newId());
    twoWrong.remove("producerGroup");
    twoWrong.put("body", "");

    List<JsonNode> results =
        results(
            producer.prepareBatch(
                List.of(message(ok1), badTopic, big, message(ok2), badId, twoWrong)));

    assertThat(results)
        .extracting(r -> r.path("status").asInt())
        .containsExactly(201, 400, 413, 201, 400, 400);
    assertThat(results.get(1).path("type").asText())
        .isEqualTo("urn:halfmsg:problem:invalid-request");
    assertThat(results.get(1).path("detail").asText()).contains("messages[1].topic");
    assertThat(results.get(1).path("messageId").asText()).isEqualTo(badTopic.get("messageId"));
    assertThat(results.get(2).path("type").asText())
        .isEqualTo("urn:halfmsg:problem:payload-too-large");
    assertThat(results.get(2).path("detail").asText()).contains("messages[2].body");
    assertThat(results.get(4).path("detail").asText()).contains("messages[4].messageId");
    assertThat(results.get(4).has("messageId")).as("no usable id").isFalse();
    assertThat(results.get(5).path("detail").asText())
        .contains("messages[5].producerGroup")
        .contains("messages[5].body");
    assertThat(messageCount()).isEqualTo(before + 2);
    assertThat(state(ok1)).isEqualTo("PREPARED");
    assertThat(state(ok2)).isEqualTo("PREPARED");
  }

  @Test
  void invalidDecisionItemsAreAnsweredAlone() {
    String id = newId();
    producer.prepare(message(id));
    String body =
        BrokerClient.json(
            Map.of(
                "decisions",
                new ArrayList<>(
                    java.util.Arrays.asList(
                        Map.of("messageId", "a b", "decision", "COMMIT"),
                        Map.of("messageId", id, "decision", "MAYBE"),
                        null,
                        Map.of("decision", "ROLLBACK"),
                        commitOf(id)))));

    List<JsonNode> results = results(producer.post("/api/v1/decisions", body));

    assertThat(results)
        .extracting(r -> r.path("status").asInt())
        .containsExactly(400, 400, 400, 400, 200);
    assertThat(results.subList(0, 4))
        .allSatisfy(
            r ->
                assertThat(r.path("type").asText())
                    .isEqualTo("urn:halfmsg:problem:invalid-request"));
    assertThat(results.get(0).path("detail").asText()).contains("decisions[0].messageId");
    assertThat(results.get(0).has("messageId")).isFalse();
    assertThat(results.get(1).path("detail").asText()).contains("decisions[1].decision");
    assertThat(results.get(1).path("messageId").asText()).isEqualTo(id);
    assertThat(results.get(2).path("detail").asText()).contains("decisions[2]");
    assertThat(results.get(3).path("detail").asText()).contains("decisions[3].messageId");
    assertThat(state(id)).isEqualTo("COMMITTED");
  }

  @Test
  void duplicateIdsInABatchAreAnsweredAsIfSentOneAfterTheOther() {
    String id = newId();
    Map<String, Object> other = message(id);
    other.put("body", "other content");

    List<JsonNode> results =
        results(producer.prepareBatch(List.of(message(id), message(id), other)));

    assertThat(results).extracting(r -> r.path("status").asInt()).containsExactly(201, 200, 409);
    assertThat(results.get(1).path("state").asText()).isEqualTo("PREPARED");
    assertThat(results.get(2).path("type").asText())
        .isEqualTo("urn:halfmsg:problem:message-conflict");
    assertThat(admin.get("/api/v1/messages/" + id).text("body")).contains("order-1");

    // Against a stored message too: the stored one is the first.
    String stored = newId();
    producer.prepare(message(stored));
    Map<String, Object> storedOther = message(stored);
    storedOther.put("body", "other content");
    assertThat(results(producer.prepareBatch(List.of(storedOther, message(stored)))))
        .extracting(r -> r.path("status").asInt())
        .containsExactly(409, 200);

    List<JsonNode> decisions =
        results(producer.decide(List.of(commitOf(id), rollbackOf(id), commitOf(id))));
    assertThat(decisions).extracting(r -> r.path("status").asInt()).containsExactly(200, 409, 200);
  }

  @Test
  void anEnvelopeThatCannotBeUsedIsOne400AndChangesNothing() throws Exception {
    long before = messageCount();
    String thousandAndOne = "{},".repeat(1000) + "{}";
    Map<String, String> prepares = new java.util.LinkedHashMap<>();
    prepares.put("not JSON", "{not json");
    prepares.put("empty body", "");
    prepares.put("no list", "{}");
    prepares.put("null list", "{\"messages\":null}");
    prepares.put("empty list", "{\"messages\":[]}");
    prepares.put("not a list", "{\"messages\":\"x\"}");
    prepares.put("a number item", "{\"messages\":[1]}");
    prepares.put(
        "a null item", "{\"messages\":[" + BrokerClient.json(message(newId())) + ",null]}");
    prepares.put("1001 items", "{\"messages\":[" + thousandAndOne + "]}");
    prepares.put("a bare list", "[" + BrokerClient.json(message(newId())) + "]");
    for (var c : prepares.entrySet()) {
      Response r = producer.post("/api/v1/messages:batch", c.getValue());
      assertThat(r.status()).as(c.getKey()).isEqualTo(400);
      assertThat(r.contentType()).as(c.getKey()).startsWith("application/problem+json");
      assertThat(r.problemType()).as(c.getKey()).startsWith("urn:halfmsg:problem:");
    }
    assertThat(producer.post("/api/v1/messages:batch", "{\"messages\":[]}").problemType())
        .isEqualTo("urn:halfmsg:problem:invalid-request");
    assertThat(
            producer
                .post("/api/v1/messages:batch", "{\"messages\":[" + thousandAndOne + "]}")
                .json()
                .path("violations")
                .findValuesAsText("field"))
        .containsExactly("messages");

    String id = newId();
    producer.prepare(message(id));
    for (String body :
        new String[] {
          "{not json",
          "{}",
          "{\"decisions\":[]}",
          "{\"decisions\":{}}",
          "{\"decisions\":[" + "{},".repeat(1000) + "{}]}"
        }) {
      Response r = producer.post("/api/v1/decisions", body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.contentType()).as(body).startsWith("application/problem+json");
    }
    assertThat(messageCount()).isEqualTo(before + 1);
    assertThat(state(id)).isEqualTo("PREPARED");
  }

  @Test
  void onlyProducersAndOperatorsMayCallTheBatchEndpoints() {
    String id = newId();
    BrokerClient consumer = producer.withToken(CONSUMER_TOKEN);
    BrokerClient anonymous = producer.withToken(null);

    for (Response r :
        new Response[] {
          consumer.prepareBatch(List.of(message(id))), consumer.decide(List.of(commitOf(id)))
        }) {
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:forbidden");
    }
    for (Response r :
        new Response[] {
          anonymous.prepareBatch(List.of(message(id))), anonymous.decide(List.of(commitOf(id)))
        }) {
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:unauthorized");
    }
    assertThat(admin.get("/api/v1/messages/" + id).status()).isEqualTo(404);
    assertThat(results(admin.prepareBatch(List.of(message(id)))).get(0).path("status").asInt())
        .as("admin may do everything")
        .isEqualTo(201);
    assertThat(results(admin.decide(List.of(rollbackOf(id)))).get(0).path("status").asInt())
        .isEqualTo(200);
  }

  @Test
  void batchesHaveTheirOwnRequestSizeLimit() throws Exception {
    List<Map<String, Object>> thirtyKb = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Map<String, Object> m = message(newId());
      m.put("body", "x".repeat(1000));
      thirtyKb.add(m);
    }
    List<Map<String, Object>> seventyKb = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      Map<String, Object> m = message(newId());
      m.put("body", "x".repeat(1000));
      seventyKb.add(m);
    }
    long before = messageCount();

    Response fits = producer.prepareBatch(thirtyKb);
    Response tooLarge = producer.prepareBatch(seventyKb);

    assertThat(fits.status()).as("over the single limit, under the batch limit").isEqualTo(200);
    assertThat(results(fits)).allSatisfy(r -> assertThat(r.path("status").asInt()).isEqualTo(201));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.problemType()).isEqualTo("urn:halfmsg:problem:payload-too-large");
    assertThat(messageCount()).isEqualTo(before + 30);
    Map<String, Object> single = new HashMap<>(Map.of("messages", thirtyKb));
    assertThat(producer.post("/api/v1/messages", BrokerClient.json(single)).status())
        .as("the single endpoint keeps its own limit")
        .isEqualTo(413);
  }

  static List<JsonNode> results(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return StreamSupport.stream(r.json().path("results").spliterator(), false).toList();
  }

  private String state(String id) {
    return admin.get("/api/v1/messages/" + id).text("state");
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
