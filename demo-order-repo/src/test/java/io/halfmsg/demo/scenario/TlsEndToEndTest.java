package io.halfmsg.demo.scenario;

import static io.halfmsg.demo.scenario.ScenarioRunnerTest.withDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.demo.order.OrderServiceApplication;
import io.halfmsg.demo.repo.RepoServiceApplication;
import io.halfmsg.producer.HalfmsgException;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.Message;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import io.halfmsg.testsupport.tls.SelfSignedTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo over TLS only, with a self-signed certificate ({@link SelfSignedTls}, by {@code
 * keytool}): the broker and order-service serve HTTPS ({@code server.ssl.bundle}); order-service
 * and repo-service call the broker, and the broker calls order-service's check-back endpoint,
 * trusting that certificate through a Spring Boot SSL bundle ({@code halfmsg.producer.ssl-bundle},
 * {@code halfmsg.consumer.ssl-bundle}, {@code halfmsg.check-back.ssl-bundle}), never the JVM's
 * default trust store.
 */
class TlsEndToEndTest {

  private static final String SECRET = "tls-check-back-secret";
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static TestDatabase orderDb = new TestDatabase();
  @RegisterExtension static TestDatabase repoDb = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  @TempDir static Path dir;

  private static final List<ConfigurableApplicationContext> started = new ArrayList<>();
  private static SSLContext trust;
  private static HttpClient https;
  private static String brokerUrl;
  private static String orderServiceUrl;
  private static String repoServiceUrl;

  @BeforeAll
  static void start() throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir);
    trust = tls.trustOnly();
    https = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();

    // Every application gets the same two bundles: "server" to serve HTTPS with, "halfmsg-ca" to
    // trust the certificate with (as a private CA's would be trusted).
    Map<String, String> bundles = tls.springBundles("server", "halfmsg-ca");

    mq.createTopic("repo_deduction");
    Map<String, Object> brokerProps = new LinkedHashMap<>(bundles);
    brokerProps.put("server.ssl.bundle", "server");
    brokerProps.put("halfmsg.check-back.ssl-bundle", "halfmsg-ca");
    brokerProps.put("halfmsg.rocketmq.namesrv-addr", mq.namesrvAddr());
    brokerProps.put("halfmsg.check-back.default-secret", SECRET);
    brokerProps.put("halfmsg.check-back.first-check-after", "300ms");
    brokerProps.put("halfmsg.check-back.poll-interval", "100ms");
    brokerProps.put("halfmsg.check-back.backoff", "300ms");
    brokerProps.put("halfmsg.delivery.poll-interval", "100ms");
    brokerProps.put("logging.level.io.halfmsg.broker", "WARN");
    ConfigurableApplicationContext broker = started(BrokerInstances.start(brokerDb, brokerProps));
    brokerUrl = "https://127.0.0.1:" + BrokerInstances.port(broker);

    ConfigurableApplicationContext repoService =
        started(
            RepoServiceApplication.run(
                withDatabase(
                    repoDb,
                    args(
                        bundles,
                        "--halfmsg.consumer.broker-urls=" + brokerUrl,
                        "--halfmsg.consumer.ssl-bundle=halfmsg-ca",
                        "--halfmsg.consumer.token=" + BrokerClient.CONSUMER_TOKEN,
                        "--halfmsg.consumer.namesrv-addr=" + mq.namesrvAddr()))));
    repoServiceUrl = "http://127.0.0.1:" + BrokerInstances.port(repoService);
    // order-service serves HTTPS too: its API, and the check-back endpoint it registers.
    ConfigurableApplicationContext orderService =
        started(
            OrderServiceApplication.run(
                withDatabase(
                    orderDb,
                    args(
                        bundles,
                        "--server.ssl.bundle=server",
                        "--halfmsg.producer.broker-urls=" + brokerUrl,
                        "--halfmsg.producer.ssl-bundle=halfmsg-ca",
                        "--halfmsg.producer.token=" + BrokerClient.PRODUCER_TOKEN,
                        "--halfmsg.producer.check-back.secret=" + SECRET,
                        "--demo.order.allow-lost-commits=true"))));
    orderServiceUrl = "https://127.0.0.1:" + BrokerInstances.port(orderService);
  }

  @AfterAll
  static void stop() {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @Test
  void anOrderPlacedOverHttpsIsDeductedOnceAndAckedToTheBroker() throws Exception {
    int before = deducted("keyboard");

    JsonNode order = placeOrder("tls-1", "keyboard", 2, false);

    String messageId = order.path("messageId").asText();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(deducted("keyboard")).isEqualTo(before + 2);
              assertThat(deliveryStates(messageId)).containsExactly("ACKED");
            });
    assertThat(adminGet("/api/v1/messages/" + messageId).path("resolvedBy").asText())
        .isEqualTo("PRODUCER");
  }

  @Test
  void aLostCommitIsResolvedByACheckBackOverHttps() throws Exception {
    int before = deducted("monitor");

    JsonNode order = placeOrder("tls-2", "monitor", 3, true);

    String messageId = order.path("messageId").asText();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode message = adminGet("/api/v1/messages/" + messageId);
              assertThat(message.path("resolvedBy").asText()).isEqualTo("CHECK_BACK");
              assertThat(deliveryStates(messageId)).containsExactly("ACKED");
              assertThat(deducted("monitor")).isEqualTo(before + 3);
            });
    assertThat(adminGet("/api/v1/messages/" + messageId).path("history").toString())
        .as("the broker called the https check-back URL order-service registered")
        .contains("COMMIT (" + orderServiceUrl + "/halfmsg/check-back)");
  }

  @Test
  void withoutTheTrustAPrepareFailsAtOnceNamingTheBrokerAndTheCertificateProblem() {
    try (HalfmsgProducer untrusting = producer(brokerUrl, null)) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(20),
          () ->
              assertThatThrownBy(() -> untrusting.prepare(Message.of("repo_deduction", "{}")))
                  .isInstanceOf(HalfmsgException.class)
                  .hasMessageContaining("no usable answer from " + brokerUrl + "/api/v1/")
                  .hasMessageContaining("SSLHandshakeException")
                  .hasMessageContaining("unable to find valid certification path"));
    }
    try (HalfmsgProducer trusting = producer(brokerUrl, trust)) {
      assertThat(trusting.prepare(Message.of("repo_deduction", "{}")).messageId()).isNotNull();
    }
  }

  @Test
  void theTrustDoesNotSwitchOffTheHostNameCheck() {
    // The same broker, reached at an address its certificate does not name (127.0.0.2 is loopback
    // too): trusted certificate or not, it is not this host's.
    String elsewhere = brokerUrl.replace("127.0.0.1", "127.0.0.2");
    try (HalfmsgProducer producer = producer(elsewhere, trust)) {
      assertThatThrownBy(() -> producer.prepare(Message.of("repo_deduction", "{}")))
          .isInstanceOf(HalfmsgException.class)
          .hasMessageContaining(elsewhere)
          .hasMessageContaining("No subject alternative names matching IP address 127.0.0.2");
    }
  }

  private static HalfmsgProducer producer(String url, SSLContext sslContext) {
    HalfmsgProducer.Builder b =
        HalfmsgProducer.builder()
            .brokerUrls(url)
            .token(BrokerClient.PRODUCER_TOKEN)
            .producerGroup("tls-plain-java");
    if (sslContext != null) {
      b.sslContext(sslContext);
    }
    return b.build();
  }

  private static JsonNode placeOrder(String orderNo, String product, int quantity, boolean lose)
      throws Exception {
    HttpResponse<String> r =
        https.send(
            HttpRequest.newBuilder(URI.create(orderServiceUrl + "/orders"))
                .header("Content-Type", "application/json")
                .header("X-Demo-Lose-Commit", Boolean.toString(lose))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        BrokerClient.json(
                            Map.of("orderNo", orderNo, "product", product, "quantity", quantity))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body());
  }

  private static int deducted(String product) throws Exception {
    HttpResponse<String> r =
        https.send(
            HttpRequest.newBuilder(URI.create(repoServiceUrl + "/stock/" + product)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("deducted").asInt();
  }

  private static List<String> deliveryStates(String messageId) throws Exception {
    List<String> states = new ArrayList<>();
    adminGet("/api/v1/messages/" + messageId)
        .path("deliveries")
        .forEach(d -> states.add(d.path("state").asText()));
    return states;
  }

  private static JsonNode adminGet(String path) throws Exception {
    HttpResponse<String> r =
        https.send(
            HttpRequest.newBuilder(URI.create(brokerUrl + path))
                .header("Authorization", "Bearer " + BrokerClient.ADMIN_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static String[] args(Map<String, String> properties, String... more) {
    List<String> all = new ArrayList<>();
    properties.forEach((k, v) -> all.add("--" + k + "=" + v));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static ConfigurableApplicationContext started(ConfigurableApplicationContext context) {
    started.add(context);
    return context;
  }
}
