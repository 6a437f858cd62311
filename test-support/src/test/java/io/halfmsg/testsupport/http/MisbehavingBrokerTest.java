package io.halfmsg.testsupport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.halfmsg.testsupport.http.MisbehavingBroker.Endpoint;
import io.halfmsg.testsupport.http.MisbehavingBroker.Fault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake itself: its imitation of the wire contract, and that each fault is what it says. */
class MisbehavingBrokerTest {

  final MisbehavingBroker broker = MisbehavingBroker.start();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void close() {
    broker.close();
  }

  @Test
  void preparesAndDecisionsFollowTheWireContract() throws Exception {
    String prepare =
        "{\"messageId\":\"m-1\",\"producerGroup\":\"g\",\"topic\":\"t\",\"body\":\"a\"}";
    assertThat(post("/api/v1/messages", prepare).statusCode()).isEqualTo(201);
    assertThat(post("/api/v1/messages", prepare).statusCode()).as("same again").isEqualTo(200);
    assertThat(post("/api/v1/messages", prepare.replace("\"a\"", "\"b\"")).statusCode())
        .as("same id, other content")
        .isEqualTo(409);

    HttpResponse<String> batch =
        post(
            "/api/v1/decisions",
            "{\"decisions\":[{\"messageId\":\"m-1\",\"decision\":\"COMMIT\"},"
                + "{\"messageId\":\"m-2\",\"decision\":\"COMMIT\"}]}");
    assertThat(batch.statusCode()).isEqualTo(200);
    assertThat(batch.body())
        .contains("{\"messageId\":\"m-1\",\"status\":200,\"state\":\"COMMITTED\"}")
        .contains("\"messageId\":\"m-2\",\"status\":404");
    assertThat(post("/api/v1/messages/m-1/rollback", "").statusCode()).isEqualTo(409);
    assertThat(broker.state("m-1")).isEqualTo("COMMITTED");
    assertThat(broker.messages()).containsOnlyKeys("m-1");
  }

  @Test
  void faultsAreScriptedPerEndpointAndCall() throws Exception {
    broker.next(Endpoint.ACKS, Fault.SERVER_ERROR, Fault.GARBAGE);
    String acks = "[{\"messageId\":\"m-1\",\"consumerGroup\":\"c\"}]";

    assertThat(post("/api/v1/acks", acks).statusCode()).isEqualTo(500);
    assertThat(post("/api/v1/acks", acks).body()).startsWith("<html>");
    assertThat(post("/api/v1/acks", acks).body()).isEqualTo("{\"received\":1,\"acked\":0}");
    assertThat(broker.acked("c")).as("acted on the garbled call").containsExactly("m-1");
    assertThat(broker.calls(Endpoint.ACKS))
        .extracting(MisbehavingBroker.Call::fault)
        .containsExactly(Fault.SERVER_ERROR, Fault.GARBAGE, Fault.NONE);
  }

  @Test
  void slowTruncatedAndResetAnswersAreNoAnswersForAClient() {
    broker.slowBy(Duration.ofSeconds(2)).next(Endpoint.ACKS, Fault.SLOW, Fault.TRUNCATED);
    broker.always(Endpoint.SUBSCRIPTION, Fault.RESET);

    assertThatThrownBy(() -> post("/api/v1/acks", "[]")).isInstanceOf(HttpTimeoutException.class);
    assertThatThrownBy(() -> post("/api/v1/acks", "[]")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> put("/api/v1/subscriptions/c", "{\"topics\":[\"t\"]}"))
        .isInstanceOf(IOException.class);
  }

  private HttpResponse<String> post(String path, String json) throws Exception {
    return send("POST", path, json);
  }

  private HttpResponse<String> put(String path, String json) throws Exception {
    return send("PUT", path, json);
  }

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(broker.url() + path))
            .timeout(Duration.ofMillis(500))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
