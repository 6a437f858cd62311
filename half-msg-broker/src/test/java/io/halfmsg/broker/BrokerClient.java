package io.halfmsg.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Talks to a running broker over real HTTP, as producers and operators do. */
public final class BrokerClient {

  public static final String PRODUCER_TOKEN = "producer-secret-token";
  public static final String CONSUMER_TOKEN = "consumer-secret-token";
  public static final String ADMIN_TOKEN = "admin-secret-token";

  /** Properties that configure a broker with the tokens above. */
  public static final Map<String, Object> TOKEN_PROPERTIES =
      Map.of(
          "halfmsg.auth.producer-tokens", PRODUCER_TOKEN,
          "halfmsg.auth.consumer-tokens", CONSUMER_TOKEN,
          "halfmsg.auth.admin-tokens", ADMIN_TOKEN);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String baseUrl;
  private final String token;

  public BrokerClient(int port, String token) {
    this("http://127.0.0.1:" + port, token);
  }

  private BrokerClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  public BrokerClient withToken(String otherToken) {
    return new BrokerClient(baseUrl, otherToken);
  }

  /** A response with its body parsed as JSON when it is JSON. */
  public record Response(
      int status, String contentType, String body, JsonNode json, HttpHeaders headers) {
    public String problemType() {
      return json == null || json.get("type") == null ? null : json.get("type").asText();
    }

    public String text(String field) {
      return json == null || json.get(field) == null ? null : json.get(field).asText();
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public Response prepare(Map<String, Object> message) {
    return post("/api/v1/messages", json(message));
  }

  /**
   * Prepares a message of {@code producerGroup} to {@code topic} (body {@code {}}) and commits it;
   * returns its id. Fails unless both are answered as for a new message.
   */
  public String prepareAndCommit(String producerGroup, String topic) {
    String id = java.util.UUID.randomUUID().toString();
    Response prepared =
        prepare(
            Map.of("messageId", id, "producerGroup", producerGroup, "topic", topic, "body", "{}"));
    Response committed = prepared.status() == 201 ? commit(id) : prepared;
    if (committed.status() != 200) {
      throw new IllegalStateException("prepare and commit of " + id + ": " + committed.body());
    }
    return id;
  }

  public Response commit(String messageId) {
    return post("/api/v1/messages/" + messageId + "/commit", "");
  }

  public Response rollback(String messageId) {
    return post("/api/v1/messages/" + messageId + "/rollback", "");
  }

  /** {@code POST /api/v1/messages:batch} with these prepares. */
  public Response prepareBatch(List<? extends Map<String, ?>> messages) {
    return post("/api/v1/messages:batch", json(Map.of("messages", messages)));
  }

  /** {@code POST /api/v1/decisions} with these {@code {messageId, decision}} items. */
  public Response decide(List<? extends Map<String, ?>> decisions) {
    return post("/api/v1/decisions", json(Map.of("decisions", decisions)));
  }

  public static Map<String, String> commitOf(String messageId) {
    return Map.of("messageId", messageId, "decision", "COMMIT");
  }

  public static Map<String, String> rollbackOf(String messageId) {
    return Map.of("messageId", messageId, "decision", "ROLLBACK");
  }

  /**
   * A message's delivery to one group, as {@code GET /api/v1/messages/{id}} shows it; a missing
   * node if it has none.
   */
  public JsonNode delivery(String messageId, String consumerGroup) {
    for (JsonNode d : get("/api/v1/messages/" + messageId).json().path("deliveries")) {
      if (d.path("consumerGroup").asText().equals(consumerGroup)) {
        return d;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** A message's history lines of operators' actions: {@code EVENT [group] actor detail}. */
  public List<String> operatorLines(String messageId) {
    List<String> lines = new java.util.ArrayList<>();
    for (JsonNode h : get("/api/v1/messages/" + messageId).json().path("history")) {
      if (h.hasNonNull("actor")) {
        lines.add(
            h.get("event").asText()
                + (h.hasNonNull("consumerGroup") ? " " + h.get("consumerGroup").asText() : "")
                + " "
                + h.get("actor").asText()
                + " "
                + h.get("detail").asText());
      }
    }
    return lines;
  }

  public Response get(String path) {
    return send(request(path).GET());
  }

  public Response post(String path, String body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response put(String path, String body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response delete(String path) {
    return send(request(path).DELETE());
  }

  public Response send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> r = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      String contentType = r.headers().firstValue("Content-Type").orElse("");
      JsonNode node =
          contentType.contains("json") && !r.body().isEmpty() ? JSON.readTree(r.body()) : null;
      return new Response(r.statusCode(), contentType, r.body(), node, r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
