package io.halfmsg.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.TransactionState;
import io.halfmsg.api.signing.RequestSignature;
import io.halfmsg.api.signing.RequestSigner;
import io.halfmsg.api.signing.SignatureHeaders;
import io.halfmsg.producer.testing.ScriptedChecker;
import io.halfmsg.producer.testing.TestBroker;
import io.halfmsg.testsupport.db.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built-in check-back server over real HTTP: who it answers, what it answers, and its
 * registration with the real broker.
 */
class CheckBackServerTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();

  static TestBroker broker;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  String group;
  SimpleMeterRegistry meters;
  ScriptedChecker checker;
  HalfmsgProducer producer;
  CheckBackServer server;

  @BeforeAll
  static void startBroker() {
    broker =
        TestBroker.start(
            brokerDb,
            java.util.Map.of(
                "halfmsg.check-back.endpoint-ttl", "3s",
                "halfmsg.check-back.request-timeout", "500ms"));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void setUp() {
    group = "cbs-" + UUID.randomUUID().toString().substring(0, 8);
    meters = new SimpleMeterRegistry();
    checker = new ScriptedChecker(TransactionState.UNKNOWN);
    producer =
        HalfmsgProducer.builder()
            .brokerUrls(broker.url())
            .token(TestBroker.PRODUCER_TOKEN)
            .producerGroup(group)
            .meterRegistry(meters)
            .build();
    server =
        CheckBackServer.builder()
            .host("127.0.0.1")
            .secret(TestBroker.SECRET)
            .checker(checker)
            .instanceId("test-instance")
            .start(producer);
  }

  @AfterEach
  void tearDown() {
    server.close();
    producer.close();
  }

  @Test
  void aSignedCheckBackGetsTheCheckersAnswer() throws Exception {
    checker.record("m-1", TransactionState.COMMIT);

    HttpResponse<String> r = post(checkBack("m-1"), signer(Clock.systemUTC()));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo("{\"state\":\"COMMIT\"}");
    assertThat(checker.callsFor("m-1"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.topic()).isEqualTo("order_created");
              assertThat(c.checkCount()).isEqualTo(2);
            });
    assertThat(meters.get("halfmsg.producer.checkbacks").tag("state", "COMMIT").counter().count())
        .isEqualTo(1);
  }

  @Test
  void unsignedBadlySignedAndStaleCheckBacksAreRefusedWith401() throws Exception {
    checker.record("m-2", TransactionState.COMMIT);
    String body = checkBack("m-2");
    RequestSignature good = signer(Clock.systemUTC()).sign(body.getBytes(StandardCharsets.UTF_8));
    RequestSignature otherSecret =
        new RequestSigner("not-the-secret", Clock.systemUTC())
            .sign(body.getBytes(StandardCharsets.UTF_8));
    Clock sixMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-6));

    assertThat(send(request(body)).statusCode()).as("unsigned").isEqualTo(401);
    assertThat(
            send(request(body).header(SignatureHeaders.TIMESTAMP, good.timestamp())).statusCode())
        .as("no signature")
        .isEqualTo(401);
    assertThat(send(signed(request(body), otherSecret)).statusCode())
        .as("another secret")
        .isEqualTo(401);
    assertThat(send(signed(request(body.replace("m-2", "m-3")), good)).statusCode())
        .as("another body")
        .isEqualTo(401);
    assertThat(
            send(request(body)
                    .header(SignatureHeaders.TIMESTAMP, "yesterday")
                    .header(SignatureHeaders.SIGNATURE, good.signature()))
                .statusCode())
        .as("malformed")
        .isEqualTo(401);
    HttpResponse<String> stale = post(body, signer(sixMinutesAgo));
    assertThat(stale.statusCode()).as("stale").isEqualTo(401);
    assertThat(stale.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(stale.body()).contains("STALE");

    assertThat(checker.callsFor("m-2")).as("the checker never ran").isEmpty();
    assertThat(meters.get("halfmsg.producer.checkbacks").tag("state", "REFUSED").counter().count())
        .isEqualTo(6);
  }

  @Test
  void aReplayedCheckBackIsRefusedWith401ButTheSameBodySignedAgainIsAnswered() throws Exception {
    checker.record("m-7", TransactionState.COMMIT);
    String body = checkBack("m-7");
    RequestSignature once = signer(Clock.systemUTC()).sign(body.getBytes(StandardCharsets.UTF_8));
    // What the broker does when it asks about the same message again: sign it anew, later.
    RequestSignature later =
        signer(Clock.offset(Clock.systemUTC(), Duration.ofMillis(1)))
            .sign(body.getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> first = send(signed(request(body), once));
    HttpResponse<String> replay = send(signed(request(body), once));
    HttpResponse<String> replayInUpperCase =
        send(
            request(body)
                .header(SignatureHeaders.TIMESTAMP, once.timestamp())
                .header(SignatureHeaders.SIGNATURE, once.signature().toUpperCase(Locale.ROOT)));
    HttpResponse<String> signedAgain = send(signed(request(body), later));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(replay.statusCode()).as("the same request again").isEqualTo(401);
    assertThat(replay.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(replay.body()).contains("REPLAYED");
    assertThat(replayInUpperCase.statusCode())
        .as("the same signature spelt otherwise")
        .isEqualTo(401);
    assertThat(signedAgain.statusCode()).as("a new timestamp").isEqualTo(200);
    assertThat(signedAgain.body()).isEqualTo("{\"state\":\"COMMIT\"}");
    assertThat(checker.callsFor("m-7")).as("the checker ran for the two originals").hasSize(2);
    assertThat(meters.get("halfmsg.producer.checkbacks").tag("state", "REFUSED").counter().count())
        .isEqualTo(2);
  }

  @Test
  void theBrokersNextCheckAndItsFailoverToAnotherUrlAreNotTakenForReplays() throws Exception {
    // The first call for the message outlasts the broker's 500 ms request timeout: the producer
    // accepted its signature, the broker gave up and asks the group's next URL, which here is the
    // same server under another name. That call answers UNKNOWN, so the broker's next check asks
    // again, and is answered COMMIT.
    Map<String, List<Integer>> checkCounts = new ConcurrentHashMap<>();
    CountDownLatch release = new CountDownLatch(1);
    TransactionChecker slowFirstCall =
        request -> {
          List<Integer> seen =
              checkCounts.computeIfAbsent(request.messageId(), id -> new CopyOnWriteArrayList<>());
          seen.add(request.checkCount());
          if (seen.size() == 1) {
            awaitQuietly(release, Duration.ofSeconds(5));
          }
          return request.checkCount() == 0 ? TransactionState.UNKNOWN : TransactionState.COMMIT;
        };
    SimpleMeterRegistry failoverMeters = new SimpleMeterRegistry();
    try (HalfmsgProducer failoverProducer =
            HalfmsgProducer.builder()
                .brokerUrls(broker.url())
                .token(TestBroker.PRODUCER_TOKEN)
                .producerGroup(group + "-fo")
                .meterRegistry(failoverMeters)
                .build();
        CheckBackServer byAddress =
            CheckBackServer.builder()
                .host("127.0.0.1")
                .secret(TestBroker.SECRET)
                .checker(slowFirstCall)
                .instanceId("by-address")
                .start(failoverProducer);
        EndpointHeartbeat byName =
            failoverProducer.startHeartbeat(
                "http://localhost:" + byAddress.port() + CheckBackServer.DEFAULT_PATH, "by-name")) {
      assertThat(broker.endpoints(group + "-fo")).hasSize(2);

      String id =
          failoverProducer
              .sendInTransaction(SendInTransactionTest.order("o-cb"), m -> TransactionState.UNKNOWN)
              .messageId();

      broker.awaitState(id, "COMMITTED");
      release.countDown();
      assertThat(checkCounts.get(id))
          .as("check 0 timed out and failed over to the other URL, check 1 asked again")
          .containsExactly(0, 0, 1);
      assertThat(
              failoverMeters
                  .get("halfmsg.producer.checkbacks")
                  .tag("state", "REFUSED")
                  .counter()
                  .count())
          .as("no check-back refused")
          .isZero();
    } finally {
      release.countDown();
    }
  }

  @Test
  void whatIsNotACheckBackIsRefused() throws Exception {
    HttpResponse<String> garbage = post("not json", signer(Clock.systemUTC()));
    HttpResponse<String> get =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url())).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> elsewhere =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url() + "-other"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(elsewhere.statusCode()).isEqualTo(404);
  }

  @Test
  void aCheckerThatFailsOrAnotherGroupsMessageIsAnsweredUnknown() throws Exception {
    server.close();
    server =
        CheckBackServer.builder()
            .host("127.0.0.1")
            .secret(TestBroker.SECRET)
            .checker(
                request -> {
                  throw new IllegalStateException("database down");
                })
            .register(false)
            .start(producer);

    HttpResponse<String> failing = post(checkBack("m-4"), signer(Clock.systemUTC()));
    HttpResponse<String> otherGroup =
        post(checkBack("m-5").replace(group, "another-group"), signer(Clock.systemUTC()));

    assertThat(failing.statusCode()).isEqualTo(200);
    assertThat(failing.body()).isEqualTo("{\"state\":\"UNKNOWN\"}");
    assertThat(otherGroup.body()).isEqualTo("{\"state\":\"UNKNOWN\"}");
  }

  @Test
  void theUrlIsRegisteredAtStartAndKeptAliveByHeartbeats() throws Exception {
    // The broker's TTL is 3 s here, so heartbeats come every second.
    assertThat(server.heartbeat().isRegistered()).isTrue();
    assertThat(broker.endpoints(group)).containsExactly(server.url());
    LocalDateTime first = broker.lastSeen(group, server.url());

    await("a heartbeat")
        .atMost(Duration.ofSeconds(5))
        .until(() -> broker.lastSeen(group, server.url()).isAfter(first));
    assertThat(server.url()).startsWith("http://127.0.0.1:" + server.port() + "/");
    assertThat(first)
        .as("stored in UTC")
        .isCloseTo(
            LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC),
            org.assertj.core.api.Assertions.within(10, java.time.temporal.ChronoUnit.SECONDS));
  }

  @Test
  void aCheckBackCarryingALargeBodyIsAnsweredAndTheChecksSeeTheBody() throws Exception {
    checker.record("m-big", TransactionState.COMMIT);
    // Larger than the 64 KiB the handler once read, well within a message body's 4 MiB.
    String payload = java.util.Base64.getEncoder().encodeToString(new byte[300 * 1024]);
    String body =
        "{\"messageId\":\"m-big\",\"producerGroup\":\""
            + group
            + "\",\"topic\":\"order_created\",\"body\":\""
            + payload
            + "\",\"bodyEncoding\":\"base64\",\"bornTimestamp\":1733140800000,\"checkCount\":0}";

    HttpResponse<String> r = post(body, signer(Clock.systemUTC()));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"state\":\"COMMIT\"}");
    assertThat(checker.callsFor("m-big"))
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.bodyBytes()).hasSize(300 * 1024);
              assertThat(request.bornTimestamp()).isEqualTo(1733140800000L);
            });
  }

  @Test
  void aRequestOverTheLimitIsRefusedUnread() throws Exception {
    String body = "x".repeat(io.halfmsg.api.CheckBackRequest.MAX_REQUEST_BYTES + 1);

    HttpResponse<String> r = post(body, signer(Clock.systemUTC()));

    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void aRefusedFirstRegistrationFailsWithTheBrokersReasonAndIsCounted() {
    try (HalfmsgProducer noAccess =
        HalfmsgProducer.builder()
            .brokerUrls(broker.url())
            .token("not-a-token")
            .producerGroup(group)
            .meterRegistry(meters)
            .build()) {
      assertThatThrownBy(() -> noAccess.startHeartbeat("http://127.0.0.1:1/x", null))
          .isInstanceOfSatisfying(
              HalfmsgException.class, e -> assertThat(e.status()).isEqualTo(401))
          .hasMessageContaining("http://127.0.0.1:1/x")
          .hasMessageContaining(group);
      assertThat(
              meters
                  .get("halfmsg.producer.failures")
                  .tag("operation", "heartbeat")
                  .counter()
                  .count())
          .isEqualTo(1);
    }
  }

  @Test
  void aServerWhoseUrlTheBrokerRefusesDoesNotStartAndFreesItsPort() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    CheckBackServer.Builder refused =
        CheckBackServer.builder()
            .host("127.0.0.1")
            .port(port)
            .advertisedHost("203.0.113.9")
            .secret(TestBroker.SECRET)
            .checker(checker);

    assertThatThrownBy(() -> refused.start(producer))
        .isInstanceOfSatisfying(HalfmsgException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("203.0.113.9")
        .hasMessageContaining("allowed-hosts");
    try (java.net.ServerSocket again =
        new java.net.ServerSocket(port, 0, java.net.InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void closingAnIdleServerAndItsProducerIsPrompt() throws Exception {
    // JDK 17's HttpServer.stop(delay) waits the whole delay even when idle, and a scheduled
    // executor's shutdown() waits for its delayed tasks.
    post(checkBack("m-6"), signer(Clock.systemUTC()));

    long started = System.nanoTime();
    server.close();
    // Its next heartbeat is scheduled seconds ahead: closing must not wait for it.
    producer.close();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
  }

  private static void awaitQuietly(CountDownLatch latch, Duration atMost) {
    try {
      latch.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String checkBack(String messageId) {
    return "{\"messageId\":\""
        + messageId
        + "\",\"producerGroup\":\""
        + group
        + "\",\"topic\":\"order_created\",\"checkCount\":2,\"futureField\":true}";
  }

  private static RequestSigner signer(Clock clock) {
    return new RequestSigner(TestBroker.SECRET, clock);
  }

  private HttpRequest.Builder request(String body) {
    return HttpRequest.newBuilder(URI.create(server.url()))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private static HttpRequest.Builder signed(HttpRequest.Builder b, RequestSignature s) {
    return b.header(SignatureHeaders.TIMESTAMP, s.timestamp())
        .header(SignatureHeaders.SIGNATURE, s.signature());
  }

  private HttpResponse<String> post(String body, RequestSigner signer) throws Exception {
    return send(signed(request(body), signer.sign(body.getBytes(StandardCharsets.UTF_8))));
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
