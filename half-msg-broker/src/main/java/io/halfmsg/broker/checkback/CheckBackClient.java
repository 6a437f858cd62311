package io.halfmsg.broker.checkback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.CheckBackRequest;
import io.halfmsg.api.PrepareMessageRequest;
import io.halfmsg.api.TransactionState;
import io.halfmsg.api.signing.RequestSignature;
import io.halfmsg.api.signing.RequestSigner;
import io.halfmsg.api.signing.SignatureHeaders;
import io.halfmsg.broker.endpoint.EndpointGuard;
import io.halfmsg.broker.endpoint.RefusedEndpointException;
import io.halfmsg.broker.message.DueMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.stereotype.Component;

/**
 * Asks a producer group about one message: signs the request with the group's secret and posts it
 * to one of the group's live endpoints, spreading calls across them and failing over to the next
 * one when an instance does not answer at all. Each URL is checked against the allowed hosts again
 * right before its call, and the call goes to the address that was checked ({@link EndpointGuard});
 * redirects are never followed, so an answer cannot send the broker elsewhere.
 */
@Component
class CheckBackClient {

  private static final Logger log = LoggerFactory.getLogger(CheckBackClient.class);
  private static final int MAX_ANSWER_BYTES = 64 * 1024;
  private static final int MAX_ENDPOINTS_TRIED = 3;

  // The JDK client refuses to set Host unless the JVM was started with
  // -Djdk.httpclient.allowRestrictedHeaders=host (read once, when its classes load).
  private static final boolean CAN_SET_HOST = canSetHostHeader();

  private final HttpClient http;
  private final ObjectMapper json;
  private final CheckBackSecrets secrets;
  private final EndpointGuard guard;
  private final Duration requestTimeout;
  private final AtomicInteger spread = new AtomicInteger();

  CheckBackClient(
      CheckBackProperties properties,
      CheckBackSecrets secrets,
      EndpointGuard guard,
      ObjectMapper json,
      SslBundles sslBundles) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(properties.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .sslContext(properties.sslContext(sslBundles))
            .build();
    this.json = json;
    this.secrets = secrets;
    this.guard = guard;
    this.requestTimeout = properties.requestTimeout();
  }

  /**
   * The producer's answer; UNKNOWN when it gives none that decides, when no endpoint answers, or
   * when the group has no secret to sign with.
   *
   * @throws InterruptedException when the instance is shutting down: apply nothing, the lease
   *     brings the message back
   */
  CheckBackAnswer check(DueCheck due) throws InterruptedException {
    DueMessage m = due.message();
    List<String> endpoints = due.endpoints();
    Optional<RequestSigner> signer = secrets.signerFor(m.producerGroup());
    if (signer.isEmpty()) {
      log.debug("No check-back secret for group {}", m.producerGroup());
      return CheckBackAnswer.unknown("no check-back secret configured for the producer group");
    }
    if (endpoints.isEmpty()) {
      log.debug("No live endpoint for group {}", m.producerGroup());
      return CheckBackAnswer.unknown("no live check-back endpoint of the producer group");
    }
    byte[] body = requestBody(due);
    int start = Math.floorMod(spread.getAndIncrement(), endpoints.size());
    int tries = Math.min(endpoints.size(), MAX_ENDPOINTS_TRIED);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < tries; i++) {
      String url = endpoints.get((start + i) % endpoints.size());
      EndpointGuard.Target target;
      try {
        target = guard.target(url);
      } catch (RefusedEndpointException e) {
        log.warn("Check-back of {} not sent to {}: {}", m.messageId(), url, e.getMessage());
        failures.add(url + ": not called, " + e.getMessage());
        continue;
      }
      try {
        // Signed for each call: a failover carries a new timestamp, so a producer that refuses
        // replayed signatures answers it (two calls in one millisecond have the same signature,
        // but only when the first failed before it was sent, e.g. connection refused).
        return call(url, target, body, signer.get().sign(body));
      } catch (IOException e) {
        log.debug("Check-back of {} at {} failed: {}", m.messageId(), url, e.toString());
        failures.add(url + ": " + e);
      }
    }
    return CheckBackAnswer.unknown("no answer (" + String.join("; ", failures) + ")");
  }

  private CheckBackAnswer call(
      String url, EndpointGuard.Target target, byte[] body, RequestSignature signature)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.uri())
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header(SignatureHeaders.TIMESTAMP, signature.timestamp())
            .header(SignatureHeaders.SIGNATURE, signature.signature())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (target.hostHeader() != null && CAN_SET_HOST) {
      request.header("Host", target.hostHeader());
    }
    HttpResponse<InputStream> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      byte[] answer = in.readNBytes(MAX_ANSWER_BYTES + 1);
      if (answer.length > MAX_ANSWER_BYTES) {
        return CheckBackAnswer.unknown(url + " answered more than " + MAX_ANSWER_BYTES + " bytes");
      }
      TransactionState state = CheckBackAnswerParser.parse(response.statusCode(), answer);
      String detail =
          response.statusCode() == 200 ? url : url + " answered HTTP " + response.statusCode();
      return CheckBackAnswer.of(state, detail);
    }
  }

  private static boolean canSetHostHeader() {
    try {
      HttpRequest.newBuilder().header("Host", "probe.invalid");
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The signed request: the whole message, as RocketMQ hands {@code checkLocalTransaction} the
   * whole message, within what producers read ({@link CheckBackRequest#MAX_REQUEST_BYTES}). A text
   * body that JSON escaping blows up (control characters take 6 bytes each) goes as base64, the
   * same bytes; one still too large (only with {@code halfmsg.message.max-body-size} raised above
   * RocketMQ's 4 MiB) goes without the body, so that a check by keys or properties still works.
   */
  private byte[] requestBody(DueCheck due) {
    DueMessage m = due.message();
    byte[] withBody = write(request(m, due.body(), due.bodyEncoding()));
    if (withBody.length <= CheckBackRequest.MAX_REQUEST_BYTES) {
      return withBody;
    }
    if (!PrepareMessageRequest.BASE64.equals(due.bodyEncoding())) {
      byte[] asBase64 = write(request(m, due.body(), PrepareMessageRequest.BASE64));
      if (asBase64.length <= CheckBackRequest.MAX_REQUEST_BYTES) {
        return asBase64;
      }
    }
    log.warn(
        "Check-back of {} sent without its body: with it the request has {} bytes, producers read"
            + " at most {}",
        m.messageId(),
        withBody.length,
        CheckBackRequest.MAX_REQUEST_BYTES);
    return write(request(m, null, null));
  }

  private static CheckBackRequest request(DueMessage m, byte[] body, String encoding) {
    String text = null;
    if (body != null) {
      text =
          PrepareMessageRequest.BASE64.equals(encoding)
              ? Base64.getEncoder().encodeToString(body)
              : new String(body, StandardCharsets.UTF_8);
    }
    return new CheckBackRequest(
        m.messageId(),
        m.producerGroup(),
        m.topic(),
        m.tag(),
        m.keys(),
        text,
        text == null ? null : encoding,
        m.properties(),
        m.createdAt() == null ? null : m.createdAt().toEpochMilli(),
        m.checkCount());
  }

  private byte[] write(CheckBackRequest request) {
    try {
      return json.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a check-back request", e);
    }
  }
}
