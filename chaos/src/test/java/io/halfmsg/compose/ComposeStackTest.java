package io.halfmsg.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml run for real without a Docker engine: every service of the file as local
 * processes, each with its own command and exactly the environment the file and its Dockerfile give
 * it, started as their {@code depends_on} conditions and healthchecks allow ({@link LocalStack});
 * the only changes are those {@link LocalTranslation} lists (service names to 127.0.0.1, ports to
 * free ones, container paths to the built jars and mounted files, the mysql and rocketmq images to
 * stand-ins). Then orders go through order-service's HTTP API and are followed to repo-service's
 * stock and the broker's admin API. So a misspelt variable, a wrong entrypoint, COPY, port or host,
 * an init script that fails or a broker.conf key that RocketMQ has not fails here, naming the
 * service.
 *
 * <p>Everything the test knows of the stack (addresses, the admin token) it reads from the compose
 * file. Logs and data: {@code chaos/target/compose/<service>/}.
 */
class ComposeStackTest {

  private static final String ORDER_SERVICE = "order-service";
  private static final String REPO_SERVICE = "repo-service";
  private static final String BROKER = "half-msg-broker";
  private static final Duration DELIVERY = Duration.ofMinutes(1);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private static LocalStack stack;

  @BeforeAll
  static void up() {
    stack =
        LocalStack.up(
            Path.of(System.getProperty("compose.file", "../docker-compose.yml")),
            Path.of(System.getProperty("compose.outputDir", "target/compose")));
  }

  @AfterAll
  static void down() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void ordersPlacedWithOrderServiceAreForwardedAckedAndDeductedOnce() throws Exception {
    List<String> products = stockProducts();
    Map<String, Integer> before = deducted();
    Map<String, Integer> ordered = new LinkedHashMap<>();
    Map<String, String> messages = new LinkedHashMap<>();
    int[][] orders = {{0, 2}, {1, 1}, {0, 3}};
    for (int[] o : orders) {
      String product = products.get(o[0] % products.size());
      String orderNo = "compose-" + UUID.randomUUID().toString().substring(0, 8);
      HttpResponse<String> placed = placeOrder(orderNo, product, o[1]);
      assertThat(placed.statusCode())
          .as("%s: POST /orders %s", ORDER_SERVICE, placed.body())
          .isEqualTo(201);
      messages.put(orderNo, JSON.readTree(placed.body()).path("messageId").asText());
      ordered.merge(product, o[1], Integer::sum);
    }

    await("every order forwarded by " + BROKER + " and acked by " + REPO_SERVICE)
        .atMost(DELIVERY)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (var m : messages.entrySet()) {
                JsonNode message = message(m.getValue());
                assertThat(message.path("state").asText())
                    .as("%s: message of order %s (%s)", BROKER, m.getKey(), message)
                    .isEqualTo("FORWARDED");
                assertThat(message.path("deliveries"))
                    .as("%s: deliveries of order %s to %s", BROKER, m.getKey(), REPO_SERVICE)
                    .isNotEmpty()
                    .allSatisfy(d -> assertThat(d.path("state").asText()).isEqualTo("ACKED"));
              }
            });
    Map<String, Integer> after = deducted();
    for (var o : ordered.entrySet()) {
      assertThat(after.get(o.getKey()) - before.get(o.getKey()))
          .as("%s: stock of %s deducted by the orders' quantities, once", REPO_SERVICE, o.getKey())
          .isEqualTo(o.getValue());
    }
  }

  @Test
  void aRefusedOrderIsRolledBackAndNeverDelivered() throws Exception {
    String orderNo = "compose-refused-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> refused = placeOrder(orderNo, "no-such-product", 1);
    assertThat(refused.statusCode()).as("%s: %s", ORDER_SERVICE, refused.body()).isEqualTo(422);
    String messageId = JSON.readTree(refused.body()).path("messageId").asText();

    await("the refused order's message rolled back at " + BROKER)
        .atMost(DELIVERY)
        .untilAsserted(
            () -> {
              JsonNode message = message(messageId);
              assertThat(message.path("state").asText())
                  .as("%s: %s", BROKER, message)
                  .isEqualTo("ROLLED_BACK");
              assertThat(message.path("deliveries")).as("deliveries").isEmpty();
            });
    assertThat(get(stack.url(ORDER_SERVICE) + "/orders/" + orderNo, null).statusCode())
        .as("%s: the refused order was not kept", ORDER_SERVICE)
        .isEqualTo(404);
  }

  private static HttpResponse<String> placeOrder(String orderNo, String product, int quantity)
      throws IOException, InterruptedException {
    String body =
        JSON.writeValueAsString(
            Map.of("orderNo", orderNo, "product", product, "quantity", quantity));
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(stack.url(ORDER_SERVICE) + "/orders"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The message as the broker's admin API shows it, with the admin token of the compose file. */
  private static JsonNode message(String messageId) throws IOException, InterruptedException {
    String adminToken =
        stack
            .compose()
            .service(BROKER)
            .environment()
            .get("HALFMSG_AUTH_ADMIN_TOKENS")
            .split(",")[0];
    HttpResponse<String> r = get(stack.url(BROKER) + "/api/v1/messages/" + messageId, adminToken);
    assertThat(r.statusCode())
        .as("%s: GET message %s: %s", BROKER, messageId, r.body())
        .isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<String> stockProducts() throws IOException, InterruptedException {
    return List.copyOf(deducted().keySet());
  }

  /** repo-service's stock: product → units deducted so far. */
  private static Map<String, Integer> deducted() throws IOException, InterruptedException {
    HttpResponse<String> r = get(stack.url(REPO_SERVICE) + "/stock", null);
    assertThat(r.statusCode()).as("%s: GET /stock %s", REPO_SERVICE, r.body()).isEqualTo(200);
    Map<String, Integer> stock = new TreeMap<>();
    JSON.readTree(r.body())
        .forEach(s -> stock.put(s.path("product").asText(), s.path("deducted").asInt()));
    assertThat(stock).as("%s: products in stock", REPO_SERVICE).hasSizeGreaterThanOrEqualTo(2);
    return stock;
  }

  private static HttpResponse<String> get(String url, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
