package io.halfmsg.broker.checkback;

import static io.halfmsg.broker.checkback.FakeProducer.Reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.endpoint.HostResolver;
import io.halfmsg.testsupport.db.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * Check-backs against producers over real HTTP: every kind of answer and non-answer, redirects, and
 * names that resolve elsewhere by the time of the call.
 */
@ExtendWith(OutputCaptureExtension.class)
@BrokerTest(
    properties = {
      "halfmsg.check-back.allowed-hosts=127.0.0.1/32",
      "halfmsg.check-back.default-secret=" + CheckBackTest.SECRET,
      "halfmsg.check-back.secrets.mismatched-group=a-secret-the-producer-does-not-have",
      "halfmsg.check-back.first-check-after=100ms",
      "halfmsg.check-back.backoff=200ms",
      "halfmsg.check-back.max-checks=3",
      "halfmsg.check-back.poll-interval=50ms",
      "halfmsg.check-back.request-timeout=500ms",
      "halfmsg.check-back.lease=5s",
      "halfmsg.check-back.endpoint-ttl=1h",
      // Room for bodies whose check-back would exceed what producers read.
      "halfmsg.message.max-body-size=7MB",
      "halfmsg.api.max-request-size=16MB"
    })
class CheckBackTest {

  static final String SECRET = "check-back-test-secret";
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  @RegisterExtension static TestDatabase db = new TestDatabase();

  /** DNS as the tests script it, for names the system's resolver does not know. */
  @TestConfiguration
  static class ScriptedDns {
    static final Map<String, String> ANSWERS = new ConcurrentHashMap<>();

    @Bean
    HostResolver scriptedDns() {
      return host -> {
        String ip = ANSWERS.get(host);
        if (ip == null) {
          throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(ip)};
      };
    }
  }

  @LocalServerPort int port;
  BrokerClient producer;
  BrokerClient admin;
  FakeProducer fake;
  String group;

  @BeforeEach
  void setUp() throws Exception {
    producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    admin = new BrokerClient(port, BrokerClient.ADMIN_TOKEN);
    fake = new FakeProducer(SECRET);
    group = "g-" + UUID.randomUUID().toString().substring(0, 8);
    register(group, fake.url());
  }

  @AfterEach
  void tearDown() {
    fake.close();
  }

  @Test
  void aCommitAnswerCommits() {
    fake.answer(call -> Reply.state("COMMIT"));
    String id = prepare(group);

    awaitState(id, "COMMITTED");
    Response m = message(id);
    assertThat(m.text("resolvedBy")).isEqualTo("CHECK_BACK");
    assertThat(m.json().get("checkCount").asInt()).isEqualTo(1);
    assertThat(fake.callsFor(id))
        .singleElement()
        .satisfies(c -> assertThat(c.checkCount()).isZero());
  }

  @Test
  void theCheckBackCarriesTheWholeMessageAsPrepared() throws Exception {
    fake.answer(call -> Reply.state("COMMIT"));
    Map<String, Object> m = messageFor(group);
    m.put("tag", "deduct");
    m.put("keys", "order-42");
    m.put("body", java.util.Base64.getEncoder().encodeToString(new byte[] {0, 1, (byte) 0xff}));
    m.put("bodyEncoding", "base64");
    m.put("properties", Map.of("channel", "app"));
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    String id = (String) m.get("messageId");
    String text = prepare(group);

    awaitState(id, "COMMITTED");
    awaitState(text, "COMMITTED");
    JsonNode request = fake.callsFor(id).get(0).request();
    assertThat(fake.callsFor(id).get(0).signature().isOk()).isTrue();
    assertThat(request.path("tag").asText()).isEqualTo("deduct");
    assertThat(request.path("keys").asText()).isEqualTo("order-42");
    assertThat(request.path("body").asText()).isEqualTo("AAH/");
    assertThat(request.path("bodyEncoding").asText()).isEqualTo("base64");
    assertThat(request.path("properties").path("channel").asText()).isEqualTo("app");
    long born = request.path("bornTimestamp").asLong();
    assertThat(java.time.Instant.ofEpochMilli(born))
        .isEqualTo(
            java.time.Instant.parse(message(id).text("createdAt"))
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    JsonNode textRequest = fake.callsFor(text).get(0).request();
    assertThat(textRequest.path("body").asText()).isEqualTo("{}");
    assertThat(textRequest.path("bodyEncoding").asText()).isEqualTo("utf8");
  }

  @Test
  void aTextBodyThatEscapingWouldBlowUpGoesAsBase64() {
    fake.answer(call -> Reply.state("COMMIT"));
    // 6 bytes each once JSON-escaped: 9 MiB as text, over what producers read.
    String controls = String.valueOf((char) 1).repeat(1536 * 1024);
    Map<String, Object> m = messageFor(group);
    m.put("body", controls);
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    String id = (String) m.get("messageId");

    awaitState(id, "COMMITTED");
    JsonNode request = fake.callsFor(id).get(0).request();
    assertThat(request.path("bodyEncoding").asText()).isEqualTo("base64");
    assertThat(java.util.Base64.getDecoder().decode(request.path("body").asText()))
        .isEqualTo(controls.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aBodyTooLargeForAnyCheckBackIsLeftOutAndTheRestStillAsks(CapturedOutput log) {
    fake.answer(call -> Reply.state("COMMIT"));
    byte[] big = new byte[6 * 1024 * 1024 + 512 * 1024];
    Map<String, Object> m = messageFor(group);
    m.put("keys", "order-7");
    m.put("body", java.util.Base64.getEncoder().encodeToString(big));
    m.put("bodyEncoding", "base64");
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    String id = (String) m.get("messageId");

    awaitState(id, "COMMITTED");
    JsonNode request = fake.callsFor(id).get(0).request();
    assertThat(fake.callsFor(id).get(0).signature().isOk()).isTrue();
    assertThat(request.has("body")).isFalse();
    assertThat(request.has("bodyEncoding")).isFalse();
    assertThat(request.path("keys").asText()).isEqualTo("order-7");
    assertThat(log.getOut()).contains("Check-back of " + id + " sent without its body");
  }

  @Test
  void aRollbackAnswerRollsBack() {
    fake.answer(call -> Reply.state("ROLLBACK"));
    String id = prepare(group);

    awaitState(id, "ROLLED_BACK");
    assertThat(message(id).text("resolvedBy")).isEqualTo("CHECK_BACK");
  }

  @Test
  void unknownThenCommitCommitsOnTheSecondCheck() {
    fake.answer(call -> Reply.state(call.checkCount() == 0 ? "UNKNOWN" : "COMMIT"));
    String id = prepare(group);

    awaitState(id, "COMMITTED");
    assertThat(fake.callsFor(id)).extracting(FakeProducer.Call::checkCount).containsExactly(0, 1);
    assertThat(message(id).json().get("checkCount").asInt()).isEqualTo(2);
    JsonNode history = message(id).json().get("history");
    assertThat(history)
        .extracting(h -> h.get("event").asText())
        .containsExactly("PREPARED", "CHECK_BACK", "CHECK_BACK", "COMMITTED");
    assertThat(history.get(1).get("detail").asText()).startsWith("check 1: UNKNOWN (http://");
    assertThat(history.get(2).get("detail").asText()).startsWith("check 2: COMMIT (http://");
    assertThat(history.get(3).get("detail").asText()).isEqualTo("by CHECK_BACK");
  }

  static List<Object[]> nonAnswers() {
    // The producer hangs for 1.5 s; the broker must give up at 500 ms.
    Runnable slowerThanTheTimeout =
        () -> awaitLatch(new CountDownLatch(1), Duration.ofMillis(1_500));
    return List.of(
        new Object[] {"UNKNOWN", Reply.state("UNKNOWN")},
        new Object[] {"a timeout", Reply.state("COMMIT").after(slowerThanTheTimeout)},
        new Object[] {"500 with a COMMIT body", Reply.raw(500, "{\"state\":\"COMMIT\"}")},
        new Object[] {"garbage", Reply.raw(200, "<html>COMMIT</html>")},
        new Object[] {"200 without a state", Reply.raw(200, "{}")},
        new Object[] {"200 with an empty body", Reply.raw(200, "")},
        new Object[] {"a lower-case commit", Reply.raw(200, "{\"state\":\"commit\"}")});
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonAnswers")
  void whatIsNotAnExplicitAnswerCountsAsUnknownAndEndsParked(String name, Reply reply) {
    fake.answer(call -> reply);
    String id = prepare(group);

    await("first check").atMost(PATIENCE).until(() -> !fake.callsFor(id).isEmpty());
    assertThat(message(id).text("state")).isEqualTo("PREPARED");
    awaitState(id, "PARKED");
    assertThat(message(id).json().get("checkCount").asInt()).isEqualTo(3);
    assertThat(fake.callsFor(id))
        .extracting(FakeProducer.Call::checkCount)
        .containsExactly(0, 1, 2);
  }

  @Test
  void aParkedMessageWaitsForAnOperatorAndOnlyThenIsResolved() {
    fake.answer(call -> Reply.state("UNKNOWN"));
    String parked = prepare(group);
    String prepared = prepareWithCheckAfter(group, 3_600_000);
    awaitState(parked, "PARKED");

    await("no more check-backs for a parked message")
        .during(Duration.ofMillis(800))
        .atMost(Duration.ofSeconds(3))
        .until(() -> fake.callsFor(parked).size() == 3);
    assertThat(
            admin
                .get("/actuator/metrics/halfmsg.messages.parked")
                .json()
                .get("measurements")
                .get(0)
                .get("value")
                .asDouble())
        .isGreaterThanOrEqualTo(1.0);

    assertThat(resolve(prepared, "COMMIT", admin).problemType())
        .isEqualTo("urn:halfmsg:problem:not-parked");
    assertThat(resolve(parked, "MAYBE", admin).status()).isEqualTo(400);
    assertThat(resolve(parked, "COMMIT", producer).status()).isEqualTo(403);
    assertThat(message(parked).text("state")).isEqualTo("PARKED");

    Response resolved = resolve(parked, "COMMIT", admin);

    assertThat(resolved.status()).isEqualTo(200);
    assertThat(resolved.text("state")).isEqualTo("COMMITTED");
    assertThat(message(parked).text("resolvedBy")).isEqualTo("OPERATOR");
    assertThat(message(parked).json().get("history"))
        .extracting(h -> h.get("event").asText() + " " + h.get("detail").asText())
        .containsExactly(
            "PREPARED by " + group,
            "CHECK_BACK check 1: UNKNOWN (" + fake.url() + ")",
            "CHECK_BACK check 2: UNKNOWN (" + fake.url() + ")",
            "CHECK_BACK check 3: UNKNOWN (" + fake.url() + ")",
            "PARKED after 3 undecided check-backs; resolve with POST /api/v1/messages/"
                + parked
                + "/resolve",
            "RESOLVED COMMIT: checked by hand",
            "COMMITTED by OPERATOR");
    assertThat(resolve(parked, "COMMIT", admin).status()).as("idempotent").isEqualTo(200);
    assertThat(resolve(parked, "ROLLBACK", admin).status()).isEqualTo(409);
  }

  @Test
  void theProducersOwnCommitStillDecidesAParkedMessage() {
    fake.answer(call -> Reply.state("UNKNOWN"));
    String id = prepare(group);
    awaitState(id, "PARKED");

    assertThat(producer.commit(id).text("state")).isEqualTo("COMMITTED");
    assertThat(message(id).text("resolvedBy")).isEqualTo("PRODUCER");
  }

  @Test
  void checkBacksAreSpreadAcrossInstancesAndFailOverFromADeadOne() throws Exception {
    try (FakeProducer second = new FakeProducer(SECRET)) {
      FakeProducer dead = new FakeProducer(SECRET);
      register(group, second.url());
      register(group, dead.url());
      dead.close();

      List<String> ids =
          java.util.stream.IntStream.range(0, 30).mapToObj(i -> prepare(group)).toList();

      ids.forEach(id -> awaitState(id, "COMMITTED"));
      assertThat(fake.calls()).isNotEmpty();
      assertThat(second.calls()).isNotEmpty();
      // A call slower than the request timeout fails over too, so a message may be asked twice.
      assertThat(
              java.util.stream.Stream.concat(fake.calls().stream(), second.calls().stream())
                  .map(FakeProducer.Call::messageId)
                  .distinct())
          .containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  @Test
  void withoutALiveEndpointTheMessageIsParkedNotDropped() throws Exception {
    String lonelyGroup = "g-" + UUID.randomUUID().toString().substring(0, 8);
    String neverRegistered = prepare(lonelyGroup);
    String staleGroup = "g-" + UUID.randomUUID().toString().substring(0, 8);
    register(staleGroup, fake.url());
    try (Connection c = db.connect();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE hm_producer_endpoint SET last_seen_at = '2000-01-01' WHERE producer_group = ?")) {
      s.setString(1, staleGroup);
      s.executeUpdate();
    }
    String stale = prepare(staleGroup);

    awaitState(neverRegistered, "PARKED");
    awaitState(stale, "PARKED");
    assertThat(fake.callsFor(stale)).as("a stale endpoint is not called").isEmpty();
    assertThat(message(stale).json().get("history").get(1).get("detail").asText())
        .isEqualTo("check 1: UNKNOWN (no live check-back endpoint of the producer group)");
  }

  @Test
  void aProducerRejectingTheSignatureIsNotACommit() {
    FakeProducer.Reply commit = Reply.state("COMMIT");
    fake.answer(call -> commit);
    register("mismatched-group", fake.url());
    String id = prepare("mismatched-group");

    awaitState(id, "PARKED");
    assertThat(fake.callsFor(id))
        .allSatisfy(c -> assertThat(c.signature().isOk()).isFalse())
        .hasSize(3);
  }

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    try (FakeProducer elsewhere = new FakeProducer(SECRET)) {
      fake.answer(call -> Reply.redirect(elsewhere.url()));
      String id = prepare(group);

      awaitState(id, "PARKED");
      assertThat(elsewhere.calls()).as("the redirect's target was never called").isEmpty();
      assertThat(message(id).json().get("history").get(1).get("detail").asText())
          .isEqualTo("check 1: UNKNOWN (" + fake.url() + " answered HTTP 302)");
    }
  }

  @Test
  void aNameAllowedByItsAddressIsCalledAtTheAddressCheckedRightBefore() {
    // The system's DNS does not know this name: only a call to the checked address can succeed.
    String name = "pinned.halfmsg.test";
    ScriptedDns.ANSWERS.put(name, "127.0.0.1");
    String pinned = "g-" + UUID.randomUUID().toString().substring(0, 8);
    register(pinned, "http://" + name + ":" + fake.port() + "/halfmsg/check-back");
    fake.answer(call -> Reply.state("COMMIT"));
    String id = prepare(pinned);

    awaitState(id, "COMMITTED");
    // The JDK client sets Host from the URL it calls, unless the broker's JVM runs with
    // -Djdk.httpclient.allowRestrictedHeaders=host: then it is the registered one.
    String host =
        System.getProperty("jdk.httpclient.allowRestrictedHeaders", "").contains("host")
            ? name + ":" + fake.port()
            : "127.0.0.1:" + fake.port();
    assertThat(fake.callsFor(id))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.signature().isOk()).isTrue();
              assertThat(c.host()).isEqualTo(host);
            });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"http", "https"})
  void aNameThatResolvesElsewhereAtCallTimeIsNotCalled(String scheme, CapturedOutput log)
      throws Exception {
    String name = scheme + ".rebind.halfmsg.test";
    String rebound = "g-" + UUID.randomUUID().toString().substring(0, 8);
    String url = scheme + "://" + name + ":" + fake.port() + "/halfmsg/check-back";
    ScriptedDns.ANSWERS.put(name, "127.0.0.1");
    register(rebound, url);
    // 127.0.0.2 is outside 127.0.0.1/32; something listens there on the same port.
    try (ServerSocket attacker = new ServerSocket()) {
      attacker.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), fake.port()));
      AtomicInteger connections = new AtomicInteger();
      Thread accepting =
          new Thread(
              () -> {
                while (!attacker.isClosed()) {
                  try (Socket s = attacker.accept()) {
                    connections.incrementAndGet();
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      accepting.start();
      ScriptedDns.ANSWERS.put(name, "127.0.0.2");

      String id = prepare(rebound);

      awaitState(id, "PARKED");
      assertThat(connections).as("connections to the disallowed address").hasValue(0);
      assertThat(fake.callsFor(id)).isEmpty();
      assertThat(message(id).json().get("history").get(1).get("detail").asText())
          .isEqualTo(
              "check 1: UNKNOWN (no answer ("
                  + url
                  + ": not called, host "
                  + name
                  + " resolves to 127.0.0.2, which is in no allowed block"
                  + " (halfmsg.check-back.allowed-hosts)))");
      assertThat(log.getOut().lines().filter(l -> l.contains("Check-back of " + id)))
          .hasSize(3)
          .allSatisfy(
              l ->
                  assertThat(l)
                      .contains("WARN")
                      .contains(
                          "not sent to " + url + ": host " + name + " resolves to 127.0.0.2"));
    }
  }

  @Test
  void aCommitDuringACheckBackWinsAndTheLateAnswerIsIgnored() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    fake.answer(
        call -> Reply.state("ROLLBACK").after(() -> awaitLatch(release, Duration.ofSeconds(10))));
    String id = prepare(group);
    await().atMost(PATIENCE).until(() -> !fake.callsFor(id).isEmpty());

    assertThat(producer.commit(id).text("state")).isEqualTo("COMMITTED");
    release.countDown();

    await("the late ROLLBACK answer is applied or dropped")
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> message(id).text("state").equals("COMMITTED"));
    assertThat(message(id).text("resolvedBy")).isEqualTo("PRODUCER");
  }

  @Test
  void aRollbackAfterACheckBackCommitIsAConflict() {
    fake.answer(call -> Reply.state("COMMIT"));
    String id = prepare(group);
    awaitState(id, "COMMITTED");

    Response rollback = producer.rollback(id);

    assertThat(rollback.status()).isEqualTo(409);
    assertThat(message(id).text("state")).isEqualTo("COMMITTED");
  }

  @Test
  void checkAfterMsDelaysTheFirstCheck() {
    fake.answer(call -> Reply.state("COMMIT"));
    String late = prepareWithCheckAfter(group, 3_600_000);
    String soon = prepare(group);

    awaitState(soon, "COMMITTED");
    assertThat(fake.callsFor(late)).isEmpty();
    assertThat(message(late).text("state")).isEqualTo("PREPARED");
  }

  static Map<String, Object> messageFor(String producerGroup) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("messageId", UUID.randomUUID().toString());
    m.put("producerGroup", producerGroup);
    m.put("topic", "repo_deduction");
    m.put("body", "{}");
    return m;
  }

  private String prepare(String producerGroup) {
    Map<String, Object> m = messageFor(producerGroup);
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    return (String) m.get("messageId");
  }

  private String prepareWithCheckAfter(String producerGroup, long checkAfterMs) {
    Map<String, Object> m = messageFor(producerGroup);
    m.put("checkAfterMs", checkAfterMs);
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    return (String) m.get("messageId");
  }

  private void register(String producerGroup, String url) {
    Response r =
        producer.put(
            "/api/v1/producer-groups/" + producerGroup + "/endpoints",
            BrokerClient.json(Map.of("checkBackUrl", url)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private Response message(String id) {
    return admin.get("/api/v1/messages/" + id);
  }

  private Response resolve(String id, String state, BrokerClient as) {
    return as.post(
        "/api/v1/messages/" + id + "/resolve",
        BrokerClient.json(Map.of("state", state, "reason", "checked by hand")));
  }

  private void awaitState(String id, String state) {
    await(id + " becomes " + state)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> state.equals(message(id).text("state")));
  }

  private static void awaitLatch(CountDownLatch latch, Duration atMost) {
    try {
      latch.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
