package io.halfmsg.broker.parked;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.checkback.FakeProducer;
import io.halfmsg.broker.checkback.FakeProducer.Reply;
import io.halfmsg.testsupport.db.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Operators' actions on parked messages over real HTTP: each needs a reason, and the message's
 * history keeps who did it (a named admin token's name, else the X-Halfmsg-Operator header, else
 * "admin") and why; a re-armed message is asked again by check-back, from a fresh count.
 */
@BrokerTest(
    properties = {
      "halfmsg.auth.named-admin-tokens.alice=" + OperatorActionsTest.ALICE_TOKEN,
      "halfmsg.check-back.allowed-hosts=127.0.0.1/32",
      "halfmsg.check-back.default-secret=" + OperatorActionsTest.SECRET,
      "halfmsg.check-back.first-check-after=100ms",
      "halfmsg.check-back.backoff=100ms",
      "halfmsg.check-back.max-checks=2",
      "halfmsg.check-back.poll-interval=50ms",
      "halfmsg.check-back.endpoint-ttl=1h"
    })
class OperatorActionsTest {

  static final String SECRET = "operator-actions-secret";
  static final String ALICE_TOKEN = "alice-admin-token";
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @DynamicPropertySource
  static void datasource(DynamicPropertyRegistry registry) {
    db.registerSpringProperties(registry::add);
  }

  @LocalServerPort int port;
  BrokerClient producer;
  BrokerClient admin;
  BrokerClient alice;
  FakeProducer fake;
  String group;

  @BeforeEach
  void setUp() throws Exception {
    producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    alice = producer.withToken(ALICE_TOKEN);
    fake = new FakeProducer(SECRET);
    fake.answer(call -> Reply.state("UNKNOWN"));
    group = "ops-" + UUID.randomUUID().toString().substring(0, 8);
    Response r =
        producer.put(
            "/api/v1/producer-groups/" + group + "/endpoints",
            BrokerClient.json(Map.of("checkBackUrl", fake.url())));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @AfterEach
  void tearDown() {
    fake.close();
  }

  @Test
  void resolvingNeedsAReasonAndTheHistoryKeepsTheNamedTokensOperator() {
    String id = parked();

    for (String reason : new String[] {null, "", "   ", "x".repeat(201), "bad\u0007bell"}) {
      Response refused = resolve(id, reason, alice);
      assertThat(refused.status()).as(String.valueOf(reason)).isEqualTo(400);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.body()).contains("reason");
    }
    assertThat(state(id)).isEqualTo("PARKED");

    // A named token's name wins over the header.
    Response resolved =
        alice.send(
            alice
                .request("/api/v1/messages/" + id + "/resolve")
                .header("Content-Type", "application/json")
                .header("X-Halfmsg-Operator", "mallory")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        BrokerClient.json(
                            Map.of("state", "ROLLBACK", "reason", "order 42 was cancelled")))));

    assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
    assertThat(state(id)).isEqualTo("ROLLED_BACK");
    assertThat(admin.operatorLines(id))
        .containsExactly("RESOLVED alice ROLLBACK: order 42 was cancelled");
  }

  @Test
  void anUnnamedTokensOperatorComesFromTheHeaderElseIsAdmin() {
    String byHeader = parked();
    String byDefault = parked();

    Response bad = resolveAs(byHeader, "bad/name", "checked");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("X-Halfmsg-Operator");
    assertThat(resolveAs(byHeader, "bob", "checked with the shop").status()).isEqualTo(200);
    assertThat(resolve(byDefault, "nobody said", admin).status()).isEqualTo(200);

    assertThat(admin.operatorLines(byHeader))
        .containsExactly("RESOLVED bob COMMIT: checked with the shop");
    assertThat(admin.operatorLines(byDefault))
        .containsExactly("RESOLVED admin COMMIT: nobody said");
  }

  @Test
  void aRearmedMessageIsCheckedAgainFromAFreshCount() {
    String id = parked();
    assertThat(fake.callsFor(id)).hasSize(2);
    String prepared = prepare();

    assertThat(rearm(id, null).status()).isEqualTo(400);
    assertThat(rearm(prepared, "not parked").problemType())
        .isEqualTo("urn:halfmsg:problem:not-parked");
    assertThat(rearm("no-such-message", "gone").problemType())
        .isEqualTo("urn:halfmsg:problem:message-not-found");
    assertThat(producer.post("/api/v1/messages/" + id + "/rearm", "{\"reason\":\"x\"}").status())
        .isEqualTo(403);
    fake.answer(call -> Reply.state("COMMIT"));

    Response rearmed = rearm(id, "the order service is back");

    assertThat(rearmed.status()).as(rearmed.body()).isEqualTo(200);
    assertThat(rearmed.text("state")).isEqualTo("PREPARED");
    await().atMost(PATIENCE).until(() -> "COMMITTED".equals(state(id)));
    assertThat(fake.callsFor(id))
        .extracting(FakeProducer.Call::checkCount)
        .containsExactly(0, 1, 0);
    JsonNode m = admin.get("/api/v1/messages/" + id).json();
    assertThat(m.get("resolvedBy").asText()).isEqualTo("CHECK_BACK");
    assertThat(m.get("checkCount").asInt()).isEqualTo(1);
    assertThat(admin.operatorLines(id))
        .containsExactly("REARMED alice re-arm check-back: the order service is back");
    List<String> events = new ArrayList<>();
    m.get("history").forEach(h -> events.add(h.get("event").asText()));
    assertThat(events).containsSubsequence("PARKED", "REARMED", "CHECK_BACK", "COMMITTED");
    assertThat(rearm(id, "again").problemType()).isEqualTo("urn:halfmsg:problem:not-parked");
  }

  private String parked() {
    String id = prepare();
    await(id + " parked").atMost(PATIENCE).until(() -> "PARKED".equals(state(id)));
    return id;
  }

  private String prepare() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("messageId", UUID.randomUUID().toString());
    m.put("producerGroup", group);
    m.put("topic", "ops_topic");
    m.put("body", "{}");
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    return (String) m.get("messageId");
  }

  private String state(String id) {
    return admin.get("/api/v1/messages/" + id).text("state");
  }

  private Response resolve(String id, String reason, BrokerClient as) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("state", "COMMIT");
    body.put("reason", reason);
    return as.post("/api/v1/messages/" + id + "/resolve", BrokerClient.json(body));
  }

  private Response resolveAs(String id, String operator, String reason) {
    return admin.send(
        admin
            .request("/api/v1/messages/" + id + "/resolve")
            .header("Content-Type", "application/json")
            .header("X-Halfmsg-Operator", operator)
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    BrokerClient.json(Map.of("state", "COMMIT", "reason", reason)))));
  }

  private Response rearm(String id, String reason) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("reason", reason);
    return alice.post("/api/v1/messages/" + id + "/rearm", BrokerClient.json(body));
  }
}
