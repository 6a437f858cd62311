package io.halfmsg.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.halfmsg.api.RocketMqHeaders;
import io.halfmsg.api.signing.SignatureHeaders;
import io.halfmsg.api.signing.SignatureVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The standalone stack end to end on H2 and the embedded RocketMQ: this is what proves the broker's
 * migrations and mappers work on H2 in MySQL mode, not only on MySQL.
 */
class StandaloneStackTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String TOPIC = "standalone_orders";
  private static final String GROUP = "standalone-consumer";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static StandaloneStack stack;
  private static DefaultMQPushConsumer consumer;
  private static final Map<String, MessageExt> received = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    stack =
        StandaloneStack.start(
            StandaloneOptions.ephemeral()
                .withProperty("halfmsg.check-back.poll-interval", "100ms")
                .withProperty("halfmsg.delivery.poll-interval", "100ms"));
    stack.createTopic(TOPIC);
    consumer = new DefaultMQPushConsumer(GROUP);
    consumer.setNamesrvAddr(stack.namesrvAddr());
    consumer.setInstanceName(GROUP + "-" + System.nanoTime());
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    consumer.setPollNameServerInterval(1000);
    consumer.subscribe(TOPIC, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (messages, context) -> {
              for (MessageExt m : messages) {
                received.put(m.getUserProperty(RocketMqHeaders.MESSAGE_ID), m);
              }
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    consumer.start();
    HttpResponse<String> subscribed =
        call(
            "PUT",
            "/api/v1/subscriptions/" + GROUP,
            stack.consumerToken(),
            Map.of("topics", List.of(TOPIC)));
    assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    if (consumer != null) {
      consumer.shutdown();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void committedMessageReachesAPlainConsumerAndItsAckIsRecorded() throws Exception {
    String id = "standalone-commit-1";
    HttpResponse<String> prepared =
        call("POST", "/api/v1/messages", stack.producerToken(), prepare(id, 600_000));
    assertThat(prepared.statusCode()).as(prepared.body()).isEqualTo(201);
    HttpResponse<String> committed =
        call("POST", "/api/v1/messages/" + id + "/commit", stack.producerToken(), null);
    assertThat(json(committed).path("state").asText()).isEqualTo("COMMITTED");

    await("delivered to RocketMQ").atMost(PATIENCE).until(() -> received.containsKey(id));
    MessageExt m = received.get(id);
    assertThat(m.getTags()).isEqualTo("deduct");
    assertThat(m.getKeys()).isEqualTo("order-" + id);
    assertThat(new String(m.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"count\":2}");
    assertThat(deliveryState(id)).isIn("PENDING", "SENT");

    HttpResponse<String> acked =
        call(
            "POST",
            "/api/v1/acks",
            stack.consumerToken(),
            List.of(Map.of("messageId", id, "consumerGroup", GROUP)));
    assertThat(acked.statusCode()).as(acked.body()).isEqualTo(200);
    await("delivery acked").atMost(PATIENCE).until(() -> "ACKED".equals(deliveryState(id)));
  }

  @Test
  void undecidedMessageIsCommittedBySignedCheckBack() throws Exception {
    String group = "standalone-producer";
    List<String> badSignatures = new CopyOnWriteArrayList<>();
    SignatureVerifier verifier = new SignatureVerifier(stack.checkBackSecret(), Clock.systemUTC());
    HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    endpoint.createContext(
        "/check",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          var result =
              verifier.verify(
                  exchange.getRequestHeaders().getFirst(SignatureHeaders.TIMESTAMP),
                  exchange.getRequestHeaders().getFirst(SignatureHeaders.SIGNATURE),
                  body);
          if (!result.isOk()) {
            badSignatures.add(result.name());
          }
          byte[] answer =
              (result.isOk() ? "{\"state\":\"COMMIT\"}" : "{\"state\":\"UNKNOWN\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    endpoint.start();
    try {
      String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/check";
      HttpResponse<String> registered =
          call(
              "PUT",
              "/api/v1/producer-groups/" + group + "/endpoints",
              stack.producerToken(),
              Map.of("checkBackUrl", url));
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

      String id = "standalone-check-1";
      Map<String, Object> body = new java.util.HashMap<>(prepare(id, 200));
      body.put("producerGroup", group);
      HttpResponse<String> prepared = call("POST", "/api/v1/messages", stack.producerToken(), body);
      assertThat(prepared.statusCode()).as(prepared.body()).isEqualTo(201);

      await("committed by check-back")
          .atMost(PATIENCE)
          .until(() -> "CHECK_BACK".equals(message(id).path("resolvedBy").asText()));
      assertThat(message(id).path("state").asText()).isIn("COMMITTED", "FORWARDED");
      assertThat(badSignatures).isEmpty();
      await("delivered to RocketMQ").atMost(PATIENCE).until(() -> received.containsKey(id));
    } finally {
      endpoint.stop(0);
    }
  }

  /**
   * The batch endpoints on H2: a retried prepare in a batch makes the multi-row INSERT fail on the
   * duplicate key, and the rest of the batch must still go in within the same transaction.
   */
  @Test
  void batchesWithARetriedPrepareAndDuplicateDecisionsWorkOnH2() throws Exception {
    Map<String, Object> first = prepare("standalone-batch-1", 600_000);
    Map<String, Object> second = prepare("standalone-batch-2", 600_000);
    Map<String, Object> third = prepare("standalone-batch-3", 600_000);
    assertThat(
            statuses(
                call(
                    "POST",
                    "/api/v1/messages:batch",
                    stack.producerToken(),
                    Map.of("messages", List.of(first, second)))))
        .containsExactly(201, 201);

    assertThat(
            statuses(
                call(
                    "POST",
                    "/api/v1/messages:batch",
                    stack.producerToken(),
                    Map.of("messages", List.of(second, third, third)))))
        .containsExactly(200, 201, 200);
    assertThat(
            statuses(
                call(
                    "POST",
                    "/api/v1/decisions",
                    stack.producerToken(),
                    Map.of(
                        "decisions",
                        List.of(
                            Map.of("messageId", "standalone-batch-1", "decision", "ROLLBACK"),
                            Map.of("messageId", "standalone-batch-1", "decision", "COMMIT"),
                            Map.of("messageId", "standalone-batch-3", "decision", "ROLLBACK"))))))
        .containsExactly(200, 409, 200);
    assertThat(message("standalone-batch-3").path("state").asText()).isEqualTo("ROLLED_BACK");
  }

  private static List<Integer> statuses(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<Integer> statuses = new java.util.ArrayList<>();
    json(response).path("results").forEach(r -> statuses.add(r.path("status").asInt()));
    return statuses;
  }

  private static Map<String, Object> prepare(String id, long checkAfterMs) {
    return Map.of(
        "messageId",
        id,
        "producerGroup",
        "standalone-producer",
        "topic",
        TOPIC,
        "tag",
        "deduct",
        "keys",
        "order-" + id,
        "body",
        "{\"count\":2}",
        "checkAfterMs",
        checkAfterMs);
  }

  private static String deliveryState(String id) throws IOException, InterruptedException {
    for (JsonNode d : message(id).path("deliveries")) {
      if (GROUP.equals(d.path("consumerGroup").asText())) {
        return d.path("state").asText();
      }
    }
    return "NONE";
  }

  private static JsonNode message(String id) throws IOException, InterruptedException {
    return json(call("GET", "/api/v1/messages/" + id, stack.adminToken(), null));
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> call(String method, String path, String token, Object body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stack.brokerUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
