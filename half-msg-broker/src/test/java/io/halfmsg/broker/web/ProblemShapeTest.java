package io.halfmsg.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Requests the application never sees in one piece — a form body that does not decode, a path
 * Tomcat refuses to decode — still get a 4xx answer in the API's error format, never a 5xx or an
 * HTML page.
 */
@BrokerTest(properties = {"halfmsg.check-back.enabled=false", "halfmsg.delivery.enabled=false"})
class ProblemShapeTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;

  @Test
  void aFormBodyThatDoesNotDecodeIsAProblemNotAServerError() {
    BrokerClient consumer = new BrokerClient(port, BrokerClient.CONSUMER_TOKEN);
    BrokerClient.Response r =
        consumer.send(
            consumer
                .request("/api/v1/subscriptions/some_group")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("topics=%zz&x=%")));

    assertThat(r.status()).isBetween(400, 499);
    assertThat(r.contentType()).startsWith("application/problem+json");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/api/v1/messages/%zz", "/api/v1/messages/a%00b", "/api/v1/messages/a%2Fb"})
  void aPathTomcatCannotDecodeIsAProblemNotAnHtmlPage(String path) throws IOException {
    // Raw, because an HTTP client refuses to send such a path at all.
    String answer =
        raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).containsIgnoringCase("Content-Type: application/problem+json");
    assertThat(answer).doesNotContain("<html");
  }

  @Test
  void aHeaderLargerThanTomcatTakesIsAProblemNotAnHtmlPage() throws IOException {
    // Larger than server.max-http-request-header-size (8 KB by default).
    String answer =
        raw(
            "GET /api/v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: "
                + "x".repeat(16 * 1024)
                + "\r\nConnection: close\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).containsIgnoringCase("Content-Type: application/problem+json");
    assertThat(answer).contains("\"type\":\"urn:halfmsg:problem:invalid-request\"");
    assertThat(answer).doesNotContain("<html");
  }

  /** A body Tomcat cannot read (truncated, badly chunked): Tomcat's own 400, as a problem. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Content-Length: 500\r\n\r\n{\"topics\":[\"t\"]}",
        "Transfer-Encoding: chunked\r\n\r\nzz\r\n{\"topics\":[\"t\"]}\r\n0\r\n\r\n"
      })
  void aBodyThatCannotBeReadIsAProblem(String framingAndBody) throws IOException {
    RawHttp.Answer answer =
        send(
            "PUT /api/v1/subscriptions/some_group HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nConnection: close\r\n"
                + "Authorization: Bearer "
                + BrokerClient.CONSUMER_TOKEN
                + "\r\nContent-Type: application/json\r\n"
                + framingAndBody);

    assertProblem(answer, 400, ProblemType.INVALID_REQUEST);
  }

  @Test
  void traceIsAProblemNotAnEmptyAnswer() throws IOException {
    assertProblem(
        send(request("TRACE", "/api/v1/stats", "HTTP/1.1", "")),
        405,
        ProblemType.METHOD_NOT_ALLOWED);
  }

  /**
   * What Tomcat answers 501 or 505 (a method it does not serve, a transfer coding or protocol
   * version it does not know) is the client's mistake: a 4xx, like all bad input.
   */
  @Test
  void connectIsRefusedAsAMethodNotAllowed() throws IOException {
    assertProblem(
        send(request("CONNECT", "/api/v1/stats", "HTTP/1.1", "")),
        405,
        ProblemType.METHOD_NOT_ALLOWED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Transfer-Encoding: gzip\r\n", "Transfer-Encoding: identity\r\n"})
  void anUnknownTransferCodingIsABadRequest(String header) throws IOException {
    assertProblem(
        send(request("GET", "/api/v1/stats", "HTTP/1.1", header)),
        400,
        ProblemType.INVALID_REQUEST);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.2", "HTTP/2.0", "HTTP/9.9"})
  void anUnknownProtocolVersionIsABadRequest(String version) throws IOException {
    assertProblem(
        send(request("GET", "/api/v1/stats", version, "")), 400, ProblemType.INVALID_REQUEST);
  }

  /** The actuator answers an unknown health component or metric with an empty 404. */
  @ParameterizedTest
  @ValueSource(strings = {"/actuator/health/nothing_here", "/actuator/metrics/nothing.here"})
  void anUnknownActuatorResourceIsAProblem(String path) throws IOException {
    assertProblem(send(request("GET", path, "HTTP/1.1", "")), 404, ProblemType.NOT_FOUND);
  }

  /**
   * An Accept header that does not parse used to cost every error its body: Spring refused to write
   * the problem document at all.
   */
  @ParameterizedTest
  @ValueSource(strings = {"a/b/c", ";;;", "*/*;q=abc"})
  void anAcceptHeaderThatDoesNotParseStillGetsTheProblem(String accept) throws IOException {
    assertProblem(
        send(
            request(
                "POST",
                "/api/v1/messages",
                "HTTP/1.1",
                "Accept: " + accept + "\r\nContent-Type: application/json\r\n",
                "{\"topic\":\"t\"}")),
        400,
        ProblemType.INVALID_REQUEST);
  }

  /**
   * An Accept header naming nothing the API produces is disregarded (RFC 9110 allows either): the
   * API answers JSON. It used to act first and answer 406 after, so a client told "not acceptable"
   * had prepared its message (or, for a DELETE with no body, got 204 anyway).
   */
  @ParameterizedTest
  @ValueSource(strings = {"text/html", "image/png", "a/b/c"})
  void anAcceptHeaderTheApiCannotHonourIsDisregarded(String accept) {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    String id = "accept-" + Math.abs(accept.hashCode());
    BrokerClient.Response r =
        producer.send(
            producer
                .request("/api/v1/messages")
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        BrokerClient.json(
                            java.util.Map.of(
                                "messageId",
                                id,
                                "producerGroup",
                                "g",
                                "topic",
                                "t",
                                "body",
                                "x")))));

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.contentType()).startsWith("application/json");
    assertThat(r.text("state")).isEqualTo("PREPARED");
  }

  private static void assertProblem(RawHttp.Answer answer, int status, ProblemType type) {
    assertThat(answer.status()).as(answer.raw()).isEqualTo(status);
    assertThat(answer.header("Content-Type"))
        .as(answer.raw())
        .startsWith("application/problem+json");
    assertThat(answer.body()).as(answer.raw()).contains("\"type\":\"" + type.type() + "\"");
    assertThat(answer.body()).contains("\"status\":" + status);
  }

  private static String request(String method, String path, String version, String headers) {
    return request(method, path, version, headers, null);
  }

  private static String request(
      String method, String path, String version, String headers, String body) {
    return method
        + " "
        + path
        + " "
        + version
        + "\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer "
        + BrokerClient.ADMIN_TOKEN
        + "\r\n"
        + headers
        + (body == null ? "\r\n" : "Content-Length: " + body.length() + "\r\n\r\n" + body);
  }

  /** Sends the request and ends the stream, so that a short body ends in EOF, not a wait. */
  private RawHttp.Answer send(String request) throws IOException {
    return RawHttp.exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), true);
  }

  private String raw(String request) throws IOException {
    return RawHttp.exchange(port, request).raw();
  }
}
