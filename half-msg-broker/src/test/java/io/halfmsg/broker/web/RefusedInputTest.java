package io.halfmsg.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Input that {@code BadInputTest} found accepted although it breaks the wire contract. */
@BrokerTest(
    properties = {
      "halfmsg.check-back.enabled=false",
      "halfmsg.delivery.enabled=false",
      "halfmsg.check-back.secrets.url-group=a-secret"
    })
class RefusedInputTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;

  /**
   * {@code "a||"} and {@code "||"} have empty tags (Java's split dropped trailing empty ones, and
   * {@code "||"} was stored as an empty filter that matches no message); a control character at
   * either end of a tag was trimmed away instead of refused.
   */
  @ParameterizedTest
  @ValueSource(strings = {"||", "a||", "||a", "a|| ||b", "a\u0001", "\u0001a", "*\u0001", "a\t"})
  void aTagExpressionWithAnEmptyOrControlTagIsRefused(String expression) {
    BrokerClient consumer = new BrokerClient(port, BrokerClient.CONSUMER_TOKEN);
    BrokerClient.Response r =
        consumer.put(
            "/api/v1/subscriptions/tag_group",
            BrokerClient.json(
                Map.of("topics", List.of("tag_topic"), "tags", Map.of("tag_topic", expression))));

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.problemType()).isEqualTo(ProblemType.INVALID_REQUEST.type().toString());
  }

  @Test
  void spacesAroundTagsAreStillFine() {
    BrokerClient consumer = new BrokerClient(port, BrokerClient.CONSUMER_TOKEN);
    BrokerClient.Response r =
        consumer.put(
            "/api/v1/subscriptions/tag_group",
            BrokerClient.json(
                Map.of("topics", List.of("tag_topic"), "tags", Map.of("tag_topic", " a || b "))));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("tags").path("tag_topic").asText()).isEqualTo("a||b");
  }

  /**
   * Bytes no UTF-8 has, which Jackson reads all the same: an encoded surrogate, an overlong {@code
   * /}, and a field name with a stray {@code FF} — once {@code decisions} has been parsed, Jackson
   * takes {@code decision\xffs} for it, and this committed the message.
   */
  @Test
  void aBodyThatIsNotUtf8IsRefusedAndChangesNothing() {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    producer.prepare(
        Map.of("messageId", "utf8-1", "producerGroup", "g", "topic", "t", "body", "x"));
    // A name Jackson has seen before is looked up by its bytes, without decoding them.
    assertThat(producer.decide(List.of(BrokerClient.rollbackOf("nothing-here"))).status())
        .isEqualTo(200);

    for (String body :
        List.of(
            "{\"decision\u00ffs\":[{\"messageId\":\"utf8-1\",\"decision\":\"COMMIT\"}]}",
            "{\"decisions\":[{\"messageId\":\"utf8-1\",\"decision\":\"COMMIT\",\"x\":\"\u00c0\u00af\"}]}",
            "{\"decisions\":[{\"messageId\":\"utf8-1\",\"decision\":\"COMMIT\",\"x\":\"\u00ed\u00a0\u0080\"}]}")) {
      BrokerClient.Response r =
          producer.send(
              producer
                  .request("/api/v1/decisions")
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          body.getBytes(StandardCharsets.ISO_8859_1))));

      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.problemType()).isEqualTo(ProblemType.MALFORMED_JSON.type().toString());
      assertThat(r.text("detail")).contains("UTF-8");
    }
    BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    assertThat(admin.get("/api/v1/messages/utf8-1").text("state")).isEqualTo("PREPARED");
  }

  /** Valid JSON, but a lone surrogate is no text: stored as UTF-8 it turned into {@code ?}. */
  @ParameterizedTest
  @ValueSource(strings = {"body", "tag", "keys"})
  void anEscapedLoneSurrogateIsRefused(String field) {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    Map<String, Object> message = new java.util.LinkedHashMap<>();
    message.put("producerGroup", "g");
    message.put("topic", "t");
    message.put("body", "x");
    message.put(field, "aXb");
    String json = BrokerClient.json(message).replace("aXb", "a\\ud800b");

    BrokerClient.Response r = producer.post("/api/v1/messages", json);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text("detail")).contains(field);
  }

  /** RFC 3986: a URL is ASCII; a non-ASCII one (or a lone surrogate) is refused, not mangled. */
  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:9/\u00e9", "http://127.0.0.1:9/h\\ud800"})
  void aCheckBackUrlThatIsNotAsciiIsRefused(String url) {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    BrokerClient.Response r =
        producer.put(
            "/api/v1/producer-groups/url-group/endpoints", "{\"checkBackUrl\":\"" + url + "\"}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text("detail")).contains("checkBackUrl");
  }

  /**
   * MariaDB compares {@code utf8mb4_bin} text with trailing spaces ignored (PAD SPACE), so an id
   * from the path with a space at the end found the message without it: committed it, rolled it
   * back, showed it. Path ids follow the id rules like ids in bodies.
   */
  @Test
  void aPathIdWithATrailingSpaceDoesNotReachTheMessage() {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    producer.prepare(
        Map.of("messageId", "padded-1", "producerGroup", "g", "topic", "t", "body", "x"));

    assertThat(producer.commit("padded-1%20").status()).isEqualTo(400);
    assertThat(producer.rollback("padded-1%20%20").status()).isEqualTo(400);
    assertThat(admin.get("/api/v1/messages/padded-1%20").status()).isEqualTo(400);
    assertThat(
            admin
                .post(
                    "/api/v1/messages/padded-1%20/resolve",
                    "{\"state\":\"COMMIT\",\"reason\":\"r\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            admin
                .post(
                    "/api/v1/deliveries/replay",
                    "{\"messageId\":\"padded-1 \",\"consumerGroup\":\"c\",\"reason\":\"r\"}")
                .status())
        .isEqualTo(400);
    assertThat(admin.get("/api/v1/messages/padded-1").text("state")).isEqualTo("PREPARED");
  }
}
