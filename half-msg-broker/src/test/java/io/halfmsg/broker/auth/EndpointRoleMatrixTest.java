package io.halfmsg.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every endpoint × every kind of caller, over real HTTP: no token and an unknown token get 401, a
 * token of a role the endpoint does not serve gets 403, its own role and admin get past
 * authentication (whatever the request's fate after). The table below must name every endpoint the
 * application maps: a new endpoint without a row fails the test until someone decides its role.
 */
@BrokerTest(properties = {"halfmsg.check-back.enabled=false", "halfmsg.delivery.enabled=false"})
class EndpointRoleMatrixTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  /** "METHOD pattern" → the role it needs. */
  private static final Map<String, Role> ENDPOINTS = new LinkedHashMap<>();

  static {
    ENDPOINTS.put("POST /api/v1/messages", Role.PRODUCER);
    ENDPOINTS.put("POST /api/v1/messages/{messageId}/commit", Role.PRODUCER);
    ENDPOINTS.put("POST /api/v1/messages/{messageId}/rollback", Role.PRODUCER);
    ENDPOINTS.put("POST /api/v1/messages:batch", Role.PRODUCER);
    ENDPOINTS.put("POST /api/v1/decisions", Role.PRODUCER);
    ENDPOINTS.put("PUT /api/v1/producer-groups/{group}/endpoints", Role.PRODUCER);
    ENDPOINTS.put("PUT /api/v1/subscriptions/{group}", Role.CONSUMER);
    ENDPOINTS.put("POST /api/v1/acks", Role.CONSUMER);
    ENDPOINTS.put("GET /api/v1/messages", Role.ADMIN);
    ENDPOINTS.put("GET /api/v1/messages/{messageId}", Role.ADMIN);
    ENDPOINTS.put("POST /api/v1/messages/{messageId}/resolve", Role.ADMIN);
    ENDPOINTS.put("POST /api/v1/messages/{messageId}/rearm", Role.ADMIN);
    ENDPOINTS.put("POST /api/v1/messages/{messageId}/release", Role.ADMIN);
    ENDPOINTS.put("GET /api/v1/blocked-keys", Role.ADMIN);
    ENDPOINTS.put("POST /api/v1/messages/{messageId}/cancel", Role.ADMIN);
    ENDPOINTS.put("GET /api/v1/stats", Role.ADMIN);
    ENDPOINTS.put("GET /api/v1/subscriptions", Role.ADMIN);
    ENDPOINTS.put("DELETE /api/v1/subscriptions/{group}/topics/{topic}", Role.ADMIN);
    ENDPOINTS.put("POST /api/v1/deliveries/replay", Role.ADMIN);
    ENDPOINTS.put("GET /api/v1/deliveries/dead-groups", Role.ADMIN);
    ENDPOINTS.put("GET /api/v1/pauses", Role.ADMIN);
    ENDPOINTS.put("PUT /api/v1/pauses/{kind}/{name}", Role.ADMIN);
    ENDPOINTS.put("DELETE /api/v1/pauses/{kind}/{name}", Role.ADMIN);
    ENDPOINTS.put("GET /api/v1/producer-groups", Role.ADMIN);
    ENDPOINTS.put("GET /api/v1/deliveries/dead-groups/{consumerGroup}/{fingerprint}", Role.ADMIN);
    ENDPOINTS.put(
        "POST /api/v1/deliveries/dead-groups/{consumerGroup}/{fingerprint}/replay", Role.ADMIN);
  }

  /**
   * The console's pages and forms: not for bearer tokens at all, but for the session of an operator
   * logged in with an admin token (ConsoleBrowserTest, ConsoleSecurityTest).
   */
  private static final Set<String> CONSOLE =
      Set.of(
          "GET /console/login",
          "GET /console",
          "GET /console/",
          "GET /console/messages",
          "GET /console/messages/{messageId}",
          "GET /console/parked",
          "GET /console/dead",
          "GET /console/dead/{consumerGroup}/{fingerprint}",
          "POST /console/messages/{messageId}/resolve",
          "POST /console/messages/{messageId}/rearm",
          "POST /console/messages/{messageId}/replay",
          "POST /console/messages/{messageId}/release",
          "POST /console/messages/{messageId}/cancel",
          "POST /console/dead/{consumerGroup}/{fingerprint}/replay",
          "POST /console/pauses",
          "POST /console/pauses/resume");

  /** The actuator's, mapped by another handler mapping. */
  private static final Map<String, Role> ACTUATOR =
      Map.of(
          "GET /actuator", Role.ADMIN,
          "GET /actuator/info", Role.ADMIN,
          "GET /actuator/metrics", Role.ADMIN,
          "GET /actuator/metrics/{name}", Role.ADMIN);

  /** The health probe: open to load balancers and orchestrators, which hold no token. */
  private static final Set<String> PUBLIC =
      Set.of("GET /actuator/health", "GET /actuator/health/db");

  @LocalServerPort int port;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Test
  void theTableNamesEveryEndpointTheApplicationMaps() {
    Set<String> mapped = new TreeSet<>();
    mappings
        .getHandlerMethods()
        .forEach(
            (info, method) -> {
              if (!method.getBeanType().getPackageName().startsWith("io.halfmsg")) {
                return; // Spring Boot's own /error
              }
              for (RequestMethod m : info.getMethodsCondition().getMethods()) {
                for (String pattern : info.getPatternValues()) {
                  mapped.add(m.name() + " " + pattern);
                }
              }
            });

    Set<String> expected = new TreeSet<>(ENDPOINTS.keySet());
    expected.addAll(CONSOLE);
    assertThat(mapped).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aBearerTokenAloneOpensNoConsolePage() {
    for (String endpoint : CONSOLE) {
      String method = endpoint.substring(0, endpoint.indexOf(' '));
      String path = endpoint.substring(method.length() + 1).replaceAll("\\{[^}]+}", "x1");
      if (path.equals("/console/login")) {
        continue;
      }
      int status = call(Caller.ADMIN, method, path);
      // To the login page, or refused for want of a CSRF token.
      assertThat(status).as(endpoint).isIn(302, 403);
    }
  }

  @Test
  void everyEndpointServesItsRoleAndAdminsAndRefusesEveryoneElse() {
    Map<String, Role> all = new LinkedHashMap<>(ENDPOINTS);
    all.putAll(ACTUATOR);
    PUBLIC.forEach(endpoint -> all.put(endpoint, null));
    int requests = 0;
    for (Map.Entry<String, Role> e : all.entrySet()) {
      String method = e.getKey().substring(0, e.getKey().indexOf(' '));
      String path = e.getKey().substring(method.length() + 1).replaceAll("\\{[^}]+}", "x1");
      Role needed = e.getValue();
      for (Caller caller : Caller.values()) {
        int status = call(caller, method, path);
        requests++;
        String what = caller + " " + method + " " + path + " → " + status;
        if (needed == null) {
          assertThat(status).as(what).isNotIn(401, 403);
        } else if (caller.role == null) {
          assertThat(status).as(what).isEqualTo(401);
        } else if (caller.role == needed || caller.role == Role.ADMIN) {
          assertThat(status).as(what).isNotIn(401, 403).isLessThan(500);
        } else {
          assertThat(status).as(what).isEqualTo(403);
        }
      }
    }
    System.out.println(
        "EndpointRoleMatrixTest: "
            + all.size()
            + " endpoints × "
            + Caller.values().length
            + " callers = "
            + requests
            + " requests");
  }

  private int call(Caller caller, String method, String path) {
    BrokerClient client = new BrokerClient(port, caller.token);
    HttpRequest.BodyPublisher body =
        method.equals("GET") || method.equals("DELETE")
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString("{}");
    return client
        .send(client.request(path).header("Content-Type", "application/json").method(method, body))
        .status();
  }

  private enum Caller {
    NO_TOKEN(null, null),
    UNKNOWN_TOKEN("not-a-configured-token", null),
    PRODUCER(BrokerClient.PRODUCER_TOKEN, Role.PRODUCER),
    CONSUMER(BrokerClient.CONSUMER_TOKEN, Role.CONSUMER),
    ADMIN(BrokerClient.ADMIN_TOKEN, Role.ADMIN);

    final String token;
    final Role role;

    Caller(String token, Role role) {
      this.token = token;
      this.role = role;
    }
  }
}
