package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Batching, retries, failover and the final flush of acks, against a scripted HTTP server. */
class AckSenderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One POST /api/v1/acks as the fake broker saw it. */
  record Request(String authorization, List<String> messageIds, Set<String> groups) {}

  final List<Request> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger calls = new AtomicInteger();
  volatile IntSupplier status = () -> 200;
  HttpServer server;
  AckSender sender;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/acks",
        exchange -> {
          calls.incrementAndGet();
          JsonNode body = JSON.readTree(exchange.getRequestBody());
          int code = status.getAsInt();
          if (code == 200) {
            List<String> ids = new ArrayList<>();
            Set<String> groups = new HashSet<>();
            body.forEach(
                a -> {
                  ids.add(a.get("messageId").asText());
                  groups.add(a.get("consumerGroup").asText());
                });
            requests.add(
                new Request(exchange.getRequestHeaders().getFirst("Authorization"), ids, groups));
          }
          // The broker's answer: an ack is sent only once an answer like it came back.
          byte[] answer =
              ("{\"received\":" + body.size() + ",\"acked\":" + body.size() + "}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(code, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
    server.stop(0);
  }

  @Test
  void sendsUpToBatchSizeAcksPerRequestWithTheToken() {
    sender = sender(List.of(url()), Duration.ofMillis(50));
    for (int i = 0; i < 450; i++) {
      sender.enqueue("m-" + i);
    }
    sender.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> sender.sent() == 450);
    assertThat(requests).hasSize(3);
    assertThat(requests).allSatisfy(r -> assertThat(r.messageIds()).hasSizeLessThanOrEqualTo(200));
    assertThat(requests)
        .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer consumer-token"));
    assertThat(requests).allSatisfy(r -> assertThat(r.groups()).containsExactly("g1"));
    assertThat(requests.stream().flatMap(r -> r.messageIds().stream()).distinct()).hasSize(450);
  }

  @Test
  void retriesServerErrorsWithBackoffUntilTheBrokerTakesThem() {
    status = () -> calls.get() <= 2 ? 503 : 200;
    sender = sender(List.of(url()), Duration.ofMillis(5));
    sender.start();

    sender.enqueue("m-1");

    await().atMost(Duration.ofSeconds(10)).until(() -> sender.sent() == 1);
    assertThat(calls).hasValue(3);
    assertThat(sender.dropped()).isZero();
  }

  @Test
  void failsOverToTheNextBrokerUrl() throws IOException {
    sender = sender(List.of(unusedUrl(), url()), Duration.ofMillis(5));
    sender.start();

    sender.enqueue("m-1");
    sender.enqueue("m-2");

    await().atMost(Duration.ofSeconds(10)).until(() -> sender.sent() == 2);
    assertThat(sender.dropped()).isZero();
  }

  @Test
  void aRefusedBatchIsDroppedNotRetried() {
    status = () -> 400;
    sender = sender(List.of(url()), Duration.ofMillis(5));
    sender.start();

    sender.enqueue("m-1");

    await().atMost(Duration.ofSeconds(10)).until(() -> sender.dropped() == 1);
    assertThat(calls).hasValue(1);
  }

  @Test
  void closeSendsWhatIsQueuedAtOnce() {
    sender = sender(List.of(url()), Duration.ofSeconds(30));
    sender.start();
    sender.enqueue("m-1");
    sender.enqueue("m-2");

    sender.close();

    assertThat(sender.sent()).isEqualTo(2);
    assertThat(requests).hasSize(1);
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() {
    sender =
        new AckSender(
            api(List.of(url())), "g1", 200, Duration.ofMillis(5), 2, Duration.ofSeconds(5));

    sender.enqueue("m-1");
    sender.enqueue("m-2");
    sender.enqueue("m-3");

    assertThat(sender.pending()).isEqualTo(2);
    assertThat(sender.dropped()).isEqualTo(1);
  }

  private AckSender sender(List<URI> urls, Duration maxDelay) {
    return new AckSender(api(urls), "g1", 200, maxDelay, 10_000, Duration.ofSeconds(5));
  }

  private static BrokerApi api(List<URI> urls) {
    return new BrokerApi(urls, "consumer-token", JSON, Duration.ofSeconds(2), null);
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static URI unusedUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }
}
