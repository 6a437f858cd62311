package io.halfmsg.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Requests the application never sees in one piece — a form body that does not decode, a path
 * Tomcat refuses to decode — still get a 4xx answer in the API's error format, never a 5xx or an
 * HTML page.
 */
@BrokerTest(properties = {"halfmsg.check-back.enabled=false", "halfmsg.delivery.enabled=false"})
class ProblemShapeTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @DynamicPropertySource
  static void datasource(DynamicPropertyRegistry registry) {
    db.registerSpringProperties(registry::add);
  }

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

  private String raw(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
