package io.halfmsg.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.yaml.snakeyaml.Yaml;

/**
 * The Prometheus endpoint of a real broker, and the monitoring files of {@code deploy/}: the alert
 * rules pass their {@code promtool} tests, and every metric the rules and the Grafana dashboard
 * name is one the broker exports.
 */
// Spring Boot's tests turn metrics export off unless asked to keep it.
@AutoConfigureObservability(tracing = false)
@BrokerTest(
    properties = {
      "halfmsg.metrics.poll-interval=200ms",
      "halfmsg.metrics.late-after=1ms",
      "halfmsg.check-back.first-check-after=100ms",
      "halfmsg.delivery.poll-interval=100ms"
    })
class MonitoringTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Path RULES = DEPLOY.resolve("prometheus/halfmsg-rules.yml");
  private static final Path DASHBOARD = DEPLOY.resolve("grafana/halfmsg-dashboard.json");
  private static final Pattern METRIC = Pattern.compile("\\b(halfmsg|hikaricp)_[a-z0-9_]+");
  private static final String GROUP = "order-service";

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @LocalServerPort int port;
  BrokerClient producer;
  BrokerClient admin;
  String topic;

  @BeforeEach
  void setUp() {
    producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    topic = "t_" + UUID.randomUUID().toString().substring(0, 8);
    mq.instance().createTopic(topic);
  }

  @Test
  void theAlertRulesPassTheirPromtoolTests() throws Exception {
    assertThat(promtool("check", "rules", "halfmsg-rules.yml")).contains("SUCCESS: 8 rules found");
    assertThat(promtool("test", "rules", "halfmsg-rules.test.yml")).contains("SUCCESS");
  }

  @Test
  void exportsWhatIsStuckAndHowLongDeliveryTakesOnlyToAdmins() throws Exception {
    String consumerGroup = "repo_" + topic;
    Response subscribed =
        producer
            .withToken(BrokerClient.CONSUMER_TOKEN)
            .put(
                "/api/v1/subscriptions/" + consumerGroup,
                BrokerClient.json(
                    Map.of("topics", List.of(topic), "ackTimeoutMs", 600_000, "maxAttempts", 3)));
    assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(200);
    String acked = prepare();
    String pending = prepare();
    String undecided = prepare();
    assertThat(producer.commit(acked).status()).isEqualTo(200);
    assertThat(producer.commit(pending).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> "FORWARDED".equals(state(pending)));
    await().atMost(Duration.ofSeconds(30)).until(() -> "FORWARDED".equals(state(acked)));
    Response ack =
        producer
            .withToken(BrokerClient.CONSUMER_TOKEN)
            .post(
                "/api/v1/acks",
                BrokerClient.json(
                    List.of(Map.of("messageId", acked, "consumerGroup", consumerGroup))));
    assertThat(ack.status()).isEqualTo(200);

    // The undecided message's group registered no check-back endpoint: its checks get no answer.
    // The store's gauges are read on a timer: wait for a read that came after the ack.
    String consumer = "consumer_group=\"" + consumerGroup + "\"";
    PrometheusScrape scrape =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                this::scrape,
                s ->
                    s.valueOr(0, "halfmsg_ack_latency_seconds_count") >= 1
                        && s.valueOr(0, "halfmsg_checkback_seconds_count", "\"NO_ANSWER\"") >= 1
                        && s.valueOr(0, "halfmsg_deliveries", consumer, "state=\"PENDING\"") == 1
                        && s.names().contains("halfmsg_deliveries_pending_oldest_age_seconds"));

    String group = "producer_group=\"" + GROUP + "\"";
    assertThat(scrape.value("halfmsg_messages", group, "state=\"PREPARED\"")).isEqualTo(1);
    assertThat(scrape.value("halfmsg_messages_prepared_late", group)).isEqualTo(1);
    assertThat(scrape.value("halfmsg_messages_prepared_oldest_age_seconds", group)).isPositive();
    assertThat(scrape.value("halfmsg_deliveries", consumer, "state=\"PENDING\"")).isEqualTo(1);
    assertThat(scrape.value("halfmsg_deliveries_pending_oldest_age_seconds", consumer))
        .isPositive();
    assertThat(scrape.value("halfmsg_forwarded_total", "path=\"fast\"")).isEqualTo(2);
    assertThat(scrape.value("halfmsg_forward_failures_total", "path=\"fast\"")).isZero();
    assertThat(scrape.value("halfmsg_forward_latency_seconds_count")).isEqualTo(2);
    assertThat(scrape.value("halfmsg_ack_latency_seconds_count")).isEqualTo(1);
    assertThat(scrape.value("halfmsg_rocketmq_reachable")).isEqualTo(1);
    assertThat(scrape.value("halfmsg_store_stats_age_seconds")).isLessThan(30);
    assertThat(scrape.value("hikaricp_connections_max", "pool=\"halfmsg\"")).isPositive();
    assertThat(undecided).isNotNull();

    Set<String> named = new TreeSet<>();
    named.addAll(metricsIn(rulesExpressions()));
    named.addAll(metricsIn(dashboardExpressions()));
    assertThat(named).as("metrics named by the rules and the dashboard").hasSizeGreaterThan(10);
    assertThat(scrape.names()).containsAll(named);

    assertThat(producer.get("/actuator/prometheus").status()).isEqualTo(403);
    assertThat(producer.withToken(null).get("/actuator/prometheus").status()).isEqualTo(401);
  }

  private PrometheusScrape scrape() {
    Response r = admin.get("/actuator/prometheus");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/plain");
    return PrometheusScrape.parse(r.body());
  }

  @SuppressWarnings("unchecked")
  private static List<String> rulesExpressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    try (InputStream in = Files.newInputStream(RULES)) {
      Map<String, Object> rules = new Yaml().load(in);
      for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
        for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
          exprs.add((String) rule.get("expr"));
        }
      }
    }
    return exprs;
  }

  private static List<String> dashboardExpressions() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String> exprs = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    assertThat(exprs).doesNotContain("");
    return exprs;
  }

  /** The exported names a PromQL expression reads. */
  private static Set<String> metricsIn(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String e : expressions) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  private static String promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .directory(RULES.getParent().toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "promtool is missing: install Debian's prometheus package (scripts/test.sh does)", e);
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private String prepare() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("messageId", UUID.randomUUID().toString());
    m.put("producerGroup", GROUP);
    m.put("topic", topic);
    m.put("body", "{}");
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    return (String) m.get("messageId");
  }

  private String state(String id) {
    return admin.get("/api/v1/messages/" + id).text("state");
  }
}
