package io.halfmsg.demo.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Places orders against order-service's REST API — valid ones, ones refused by a business rule, and
 * ones whose commit call is lost on purpose — waits until the broker has resolved every message and
 * repo-service has acked every committed one, then compares both services' data.
 *
 * <pre>
 * java -Dloader.main=io.halfmsg.demo.scenario.ScenarioRunner -jar demo-order-repo-<version>.jar \
 *     --orders=20 --order-service=http://127.0.0.1:8081 --repo-service=http://127.0.0.1:8082 \
 *     --broker=http://127.0.0.1:8080 --admin-token=admin-token
 * </pre>
 */
public final class ScenarioRunner {

  /** Where the three services are, and the broker's admin token for its admin API. */
  public record Endpoints(
      String orderService, String repoService, String broker, String adminToken) {}

  static final String CONSUMER_GROUP = "repo-service";
  static final String LOSE_COMMIT_HEADER = "X-Demo-Lose-Commit";
  private static final List<String> PRODUCTS = List.of("keyboard", "mouse", "monitor", "headset");
  private static final Duration POLL = Duration.ofMillis(100);

  private final Endpoints endpoints;
  private final Duration patience;
  private final Http http = new Http();

  public ScenarioRunner(Endpoints endpoints, Duration patience) {
    this.endpoints = endpoints;
    this.patience = patience;
  }

  /** One order placed, and how it must end. */
  private record Placed(
      String orderNo, String product, int quantity, String messageId, boolean accepted) {}

  /**
   * Places {@code orders} orders, the first {@code lostCommits} of the valid ones with their commit
   * call lost (order-service must run with {@code demo.order.allow-lost-commits=true}), and returns
   * the summary once everything is resolved.
   *
   * @throws IllegalStateException if order-service answers unexpectedly, or the broker has not
   *     settled every message within the patience
   */
  public Summary run(int orders, int lostCommits) {
    Map<String, Integer> stockBefore = stock();
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<Placed> placed = new ArrayList<>();
    int lost = 0;
    for (int i = 0; i < orders; i++) {
      String orderNo = "s" + run + "-" + i;
      String product = i % 5 == 1 ? "unicorn" : PRODUCTS.get(i % PRODUCTS.size());
      int quantity = i % 5 == 3 ? 9 : 1 + i % 5;
      boolean loseCommit = i % 5 != 1 && i % 5 != 3 && lost < lostCommits;
      placed.add(place(orderNo, product, quantity, loseCommit));
      if (loseCommit) {
        lost++;
      }
    }
    Map<String, JsonNode> messages = awaitSettled(placed);
    return summarize(placed, messages, stockBefore, lost);
  }

  private Placed place(String orderNo, String product, int quantity, boolean loseCommit) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("orderNo", orderNo);
    body.put("product", product);
    body.put("quantity", quantity);
    Http.Response r =
        http.post(
            endpoints.orderService() + "/orders",
            body,
            loseCommit ? Map.of(LOSE_COMMIT_HEADER, "true") : Map.of());
    if (r.status() == 201 || r.status() == 422) {
      String messageId = r.json().path("messageId").asText();
      return new Placed(orderNo, product, quantity, messageId, r.status() == 201);
    }
    throw new IllegalStateException(
        "order-service answered " + r.status() + " to order " + orderNo + ": " + r.json());
  }

  /** Polls the broker's admin API until every message is in a final state. */
  private Map<String, JsonNode> awaitSettled(List<Placed> placed) {
    Map<String, JsonNode> settled = new HashMap<>();
    try {
      Awaitility.await("every message settled")
          .atMost(patience)
          .pollInterval(POLL)
          .until(
              () -> {
                for (Placed p : placed) {
                  if (!settled.containsKey(p.messageId())) {
                    JsonNode m = message(p.messageId());
                    if (m != null && isSettled(m)) {
                      settled.put(p.messageId(), m);
                    }
                  }
                }
                return settled.size() == placed.size();
              });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          (placed.size() - settled.size())
              + " messages not settled within "
              + patience
              + "; broker stats: "
              + http.get(endpoints.broker() + "/api/v1/stats", endpoints.adminToken()).json(),
          e);
    }
    return settled;
  }

  /** Rolled back, parked, or committed with repo-service's delivery acked or dead. */
  private static boolean isSettled(JsonNode message) {
    String state = message.path("state").asText();
    if (state.equals("ROLLED_BACK") || state.equals("PARKED")) {
      return true;
    }
    if (!isCommitted(state)) {
      return false;
    }
    String delivery = delivery(message).path("state").asText();
    return delivery.equals("ACKED") || delivery.equals("DEAD");
  }

  /** COMMITTED, or FORWARDED: committed and already in RocketMQ. */
  private static boolean isCommitted(String state) {
    return state.equals("COMMITTED") || state.equals("FORWARDED");
  }

  private Summary summarize(
      List<Placed> placed,
      Map<String, JsonNode> messages,
      Map<String, Integer> stockBefore,
      int lost) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> ordered = new TreeMap<>();
    int committed = 0;
    int rolledBack = 0;
    int byCheckBack = 0;
    long duplicates = 0;
    for (Placed p : placed) {
      JsonNode m = messages.get(p.messageId());
      String state = m.path("state").asText();
      if ("CHECK_BACK".equals(m.path("resolvedBy").asText())) {
        byCheckBack++;
      }
      boolean orderExists = http.get(order(p.orderNo()), null).status() == 200;
      if (p.accepted()) {
        committed++;
        ordered.merge(p.product(), p.quantity(), Integer::sum);
        expect(problems, isCommitted(state), p, "accepted but its message is " + state);
        expect(problems, orderExists, p, "accepted but order-service does not have it");
        JsonNode d = delivery(m);
        expect(problems, d.path("state").asText().equals("ACKED"), p, "delivery " + d);
        duplicates += Math.max(0, d.path("attempts").asInt() - 1);
      } else {
        rolledBack++;
        expect(problems, state.equals("ROLLED_BACK"), p, "refused but its message is " + state);
        expect(problems, !orderExists, p, "refused but order-service has it");
      }
    }
    Map<String, Integer> deducted = new TreeMap<>();
    stock()
        .forEach(
            (product, total) -> {
              int delta = total - stockBefore.getOrDefault(product, 0);
              if (delta != 0) {
                deducted.put(product, delta);
              }
            });
    if (!deducted.equals(ordered)) {
      problems.add("stock deducted " + deducted + " but committed orders " + ordered);
    }
    return new Summary(
        placed.size(),
        committed,
        rolledBack,
        lost,
        byCheckBack,
        ordered,
        deducted,
        duplicates,
        problems);
  }

  private static void expect(List<String> problems, boolean ok, Placed p, String what) {
    if (!ok) {
      problems.add("order " + p.orderNo() + " (message " + p.messageId() + "): " + what);
    }
  }

  /** Per product, the total deducted so far, from repo-service. */
  private Map<String, Integer> stock() {
    Http.Response r = http.get(endpoints.repoService() + "/stock", null);
    if (r.status() != 200) {
      throw new IllegalStateException("repo-service answered " + r.status() + ": " + r.json());
    }
    Map<String, Integer> deducted = new HashMap<>();
    r.json().forEach(s -> deducted.put(s.path("product").asText(), s.path("deducted").asInt()));
    return deducted;
  }

  private JsonNode message(String messageId) {
    Http.Response r =
        http.get(endpoints.broker() + "/api/v1/messages/" + messageId, endpoints.adminToken());
    return r.status() == 200 ? r.json() : null;
  }

  private static JsonNode delivery(JsonNode message) {
    for (JsonNode d : message.path("deliveries")) {
      if (CONSUMER_GROUP.equals(d.path("consumerGroup").asText())) {
        return d;
      }
    }
    return message.path("no-delivery");
  }

  private String order(String orderNo) {
    return endpoints.orderService() + "/orders/" + orderNo;
  }

  /**
   * {@code --orders=20 --lost-commits=1 --order-service=URL --repo-service=URL --broker=URL
   * --admin-token=TOKEN --patience=60s}; exits 0 if CONSISTENT, 1 otherwise.
   */
  public static void main(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("expected --name=value, got " + arg);
      }
      options.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    Endpoints endpoints =
        new Endpoints(
            options.getOrDefault("order-service", "http://127.0.0.1:8081"),
            options.getOrDefault("repo-service", "http://127.0.0.1:8082"),
            options.getOrDefault("broker", "http://127.0.0.1:8080"),
            options.getOrDefault(
                "admin-token", System.getenv().getOrDefault("HALFMSG_ADMIN_TOKEN", "admin-token")));
    Duration patience =
        Duration.parse("PT" + options.getOrDefault("patience", "60s").toUpperCase());
    Summary summary =
        new ScenarioRunner(endpoints, patience)
            .run(
                Integer.parseInt(options.getOrDefault("orders", "20")),
                Integer.parseInt(options.getOrDefault("lost-commits", "1")));
    System.out.print(summary.report());
    System.exit(summary.consistent() ? 0 : 1);
  }
}
