package io.halfmsg.broker.web;

import static io.halfmsg.broker.web.BadInputFixtures.CONSUMER_GROUP;
import static io.halfmsg.broker.web.BadInputFixtures.FORWARDED_ID;
import static io.halfmsg.broker.web.BadInputFixtures.PREPARED_ID;
import static io.halfmsg.broker.web.BadInputFixtures.PRODUCER_GROUP;
import static io.halfmsg.broker.web.BadInputFixtures.ROLLED_BACK_ID;
import static io.halfmsg.broker.web.BadInputFixtures.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Generated bad input to every endpoint, over real HTTP to a whole broker (issue 11): every request
 * must be answered, never with a 5xx, every 4xx with an {@code application/problem+json} document
 * whose {@code type} is one of {@link ProblemType}'s and whose {@code status} is the answer's; none
 * may change the broker's state; and the broker still takes a valid prepare and commit afterwards.
 *
 * <p>The requests come from {@link BadRequests}: each has a defect the broker must refuse it for
 * and is otherwise valid, aimed at the state the setup wrote (commit the prepared message, ack the
 * pending delivery, …), so that an accepted one would show. "No state change" is checked both ways:
 * the requests are refused by construction, and after the run the message, delivery, subscription,
 * endpoint and history tables hold exactly what the setup's valid requests wrote (row counts and
 * {@code CHECKSUM TABLE}).
 *
 * <p>The normal build tries 3,000 requests. {@code -Dhalfmsg.badinput.tries=50000} tries more;
 * {@code -Dhalfmsg.badinput.seed=<seed>} repeats a run (the seed is printed with the counts, and
 * with every failure). Each failure names the request's index, defect and bytes, enough to turn it
 * into a plain regression test.
 *
 * <p>The generator is a seeded {@link java.util.Random} of its own, not a property-testing library:
 * jqwik, the one for the JUnit platform, asks since 1.10 not to be used by AI coding agents, which
 * write much of this project. What the suite needs from one — many generated cases, a seed to
 * repeat a run — is a few lines here; shrinking matters less when each failure prints its request.
 */
@BrokerTest(
    properties = {
      "halfmsg.check-back.enabled=false",
      "halfmsg.check-back.secrets." + PRODUCER_GROUP + "=badinput-secret",
      "halfmsg.api.max-request-size=" + BadInputFixtures.MAX_REQUEST_BYTES + "B",
      "halfmsg.api.max-batch-request-size=" + BadInputFixtures.MAX_BATCH_REQUEST_BYTES + "B",
      "halfmsg.message.max-body-size=" + BadInputFixtures.MAX_BODY_BYTES + "B"
    })
class BadInputTest {

  private static final int DEFAULT_TRIES = 3000;
  private static final int MAX_REPORTED = 40;
  private static final List<String> TABLES =
      List.of(
          "hm_message",
          "hm_delivery",
          "hm_subscription",
          "hm_producer_endpoint",
          "hm_message_event",
          "hm_delivery_failure",
          "hm_pause");
  private static final Set<String> PROBLEM_TYPES =
      Arrays.stream(ProblemType.values()).map(t -> t.type().toString()).collect(Collectors.toSet());
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @LocalServerPort int port;

  @Test
  void generatedBadRequestsAreRefusedAsProblemsAndChangeNothing() throws Exception {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    writeSetup(producer);
    Map<String, String> before = stableFingerprint();

    long seed = Long.getLong("halfmsg.badinput.seed", new Random().nextLong());
    int tries = Integer.getInteger("halfmsg.badinput.tries", DEFAULT_TRIES);
    BadRequests requests = new BadRequests(seed);
    Random wire = new Random(seed);
    Map<String, Integer> statuses = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    int failed = 0;
    for (int i = 0; i < tries; i++) {
      BadRequest request = requests.next();
      String failure;
      RawHttp.Answer answer = null;
      try {
        answer = RawHttp.exchange(port, request.bytes(wire), true);
        statuses.merge(answer.status() == 0 ? "none" : "" + answer.status(), 1, Integer::sum);
        failure = judge(request, answer);
      } catch (IOException e) {
        statuses.merge("error", 1, Integer::sum);
        failure = "no answer (" + e + ")";
      }
      if (failure != null && ++failed <= MAX_REPORTED) {
        failures.add(
            "#" + i + " " + failure + ": " + request.describe() + "\n    -> " + summary(answer));
      }
    }
    System.out.println(
        "BadInputTest: "
            + tries
            + " inputs tried (seed "
            + seed
            + "), "
            + failed
            + " failed; statuses "
            + statuses);

    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(failures)
        .as("%d of %d generated requests (seed %d) were not refused properly", failed, tries, seed)
        .isEmpty();
    softly
        .assertThat(fingerprint())
        .as("the tables after the generated requests (seed %d)", seed)
        .isEqualTo(before);
    Map<String, Object> message =
        Map.of(
            "messageId",
            "badinput-after",
            "producerGroup",
            PRODUCER_GROUP,
            "topic",
            TOPIC,
            "body",
            "still serving");
    softly.assertThat(producer.prepare(message).status()).isEqualTo(201);
    softly.assertThat(producer.commit("badinput-after").status()).isEqualTo(200);
    softly.assertAll();
  }

  /** Null if the answer is a proper refusal of the request, else what is wrong with it. */
  static String judge(BadRequest request, RawHttp.Answer answer) {
    int status = answer.status();
    if (status == 0) {
      return "no answer";
    }
    if (status >= 500) {
      return "server error " + status;
    }
    if (status < 400) {
      return request.expect() == BadRequest.Expect.REFUSED_ITEMS && status == 200
          ? itemsRefused(answer)
          : "accepted with " + status;
    }
    String contentType = answer.header("Content-Type");
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
      return status + " with content type " + contentType;
    }
    if (request.method().equals("HEAD")) {
      return null;
    }
    JsonNode problem = parse(answer.body());
    if (problem == null || !problem.isObject()) {
      return status + " whose body is not a JSON object";
    }
    if (!PROBLEM_TYPES.contains(problem.path("type").asText())) {
      return status + " with type " + problem.get("type");
    }
    if (problem.path("status").asInt() != status) {
      return status + " with status field " + problem.get("status");
    }
    return null;
  }

  private static String itemsRefused(RawHttp.Answer answer) {
    JsonNode results = parse(answer.body()) == null ? null : parse(answer.body()).get("results");
    if (results == null || !results.isArray() || results.isEmpty()) {
      return "200 without results";
    }
    for (JsonNode item : results) {
      int status = item.path("status").asInt();
      if (status < 400 || status >= 500 || !PROBLEM_TYPES.contains(item.path("type").asText())) {
        return "an item answered " + item;
      }
    }
    return null;
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String summary(RawHttp.Answer answer) {
    return answer == null
        ? "(nothing)"
        : BadRequest.abbreviate(
            answer.status() + " " + answer.header("Content-Type") + " " + answer.body(), 400);
  }

  /**
   * The state the generated requests aim at: a subscription, a producer endpoint, and messages
   * PREPARED, FORWARDED (with a PENDING delivery) and ROLLED_BACK. Nothing is PARKED or DEAD, so no
   * operator's resolve or replay is valid.
   */
  private void writeSetup(BrokerClient producer) {
    BrokerClient consumer = producer.withToken(BrokerClient.CONSUMER_TOKEN);
    BrokerClient admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    assertThat(
            consumer
                .put(
                    "/api/v1/subscriptions/" + CONSUMER_GROUP,
                    BrokerClient.json(Map.of("topics", List.of(TOPIC), "ackTimeoutMs", 86_400_000)))
                .status())
        .isEqualTo(200);
    assertThat(
            producer
                .put(
                    "/api/v1/producer-groups/" + PRODUCER_GROUP + "/endpoints",
                    BrokerClient.json(
                        Map.of(
                            "checkBackUrl", "http://127.0.0.1:9/halfmsg/check",
                            "instanceId", "badinput-1")))
                .status())
        .isEqualTo(200);
    for (String id : List.of(PREPARED_ID, FORWARDED_ID, ROLLED_BACK_ID)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("messageId", id);
      m.put("producerGroup", PRODUCER_GROUP);
      m.put("topic", TOPIC);
      m.put("body", "setup");
      m.put("checkAfterMs", 86_400_000);
      assertThat(producer.prepare(m).status()).isEqualTo(201);
    }
    assertThat(producer.commit(FORWARDED_ID).status()).isEqualTo(200);
    assertThat(producer.rollback(ROLLED_BACK_ID).status()).isEqualTo(200);
    await("the committed message forwarded, its delivery pending")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              BrokerClient.Response r = admin.get("/api/v1/messages/" + FORWARDED_ID);
              return "FORWARDED".equals(r.text("state")) && r.json().path("deliveries").size() == 1;
            });
  }

  /** The fingerprint once it has stopped changing (the forwarding's last writes are done). */
  private Map<String, String> stableFingerprint() {
    AtomicReference<Map<String, String>> last = new AtomicReference<>(Map.of());
    await("the setup's writes settle")
        .pollInterval(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              Map<String, String> now = fingerprint();
              return now.equals(last.getAndSet(now));
            });
    return last.get();
  }

  /** Per table: its row count and its checksum (which any changed column changes). */
  private Map<String, String> fingerprint() throws SQLException {
    Map<String, String> print = new LinkedHashMap<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      for (String table : TABLES) {
        // The table names are the constants above, never input.
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
          rs.next();
          print.put(table + " rows", rs.getString(1));
        }
        try (ResultSet rs = s.executeQuery("CHECKSUM TABLE " + table)) {
          rs.next();
          print.put(table + " checksum", rs.getString(2));
        }
      }
    }
    return print;
  }
}
