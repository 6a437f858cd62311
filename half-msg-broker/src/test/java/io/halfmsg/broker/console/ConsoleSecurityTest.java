package io.halfmsg.broker.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console's session and CSRF rules over real HTTP, as a forged form or a stolen cookie would
 * try them: an action without the session's CSRF token is refused and changes nothing; the login
 * takes only admin tokens; the session opens the console only, not the API; a named admin token's
 * name is the session's operator, whatever name is typed.
 */
@BrokerTest(
    properties = {
      "halfmsg.check-back.enabled=false",
      "halfmsg.delivery.enabled=false",
      "halfmsg.auth.named-admin-tokens.dora=dora-admin-token"
    })
class ConsoleSecurityTest {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @DynamicPropertySource
  static void datasource(DynamicPropertyRegistry registry) {
    db.registerSpringProperties(registry::add);
  }

  @LocalServerPort int port;

  @Test
  void anActionWithoutTheSessionsCsrfTokenIsRefused() throws Exception {
    Session s = new Session();
    assertThat(s.login(BrokerClient.ADMIN_TOKEN, "erin").headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/console"));
    String csrf = s.csrfOf("/console");

    HttpResponse<String> forged =
        s.post("/console/pauses", Map.of("kind", "TOPIC", "name", "orders", "reason", "forged"));
    HttpResponse<String> wrong =
        s.post(
            "/console/pauses",
            Map.of("kind", "TOPIC", "name", "orders", "reason", "forged", "_csrf", "nope"));

    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(pauses()).isEqualTo("[]");
    HttpResponse<String> real =
        s.post(
            "/console/pauses",
            Map.of("kind", "TOPIC", "name", "orders", "reason", "real", "_csrf", csrf));
    assertThat(real.statusCode()).isEqualTo(302);
    assertThat(pauses()).contains("\"pausedBy\":\"erin\"").contains("\"reason\":\"real\"");

    // A bad form is a 4xx page, never a 5xx.
    for (String action : new String[] {"rearm", "release", "cancel"}) {
      String path = "/console/messages/m-1/" + action;
      HttpResponse<String> noReason = s.post(path, Map.of("_csrf", csrf));
      assertThat(noReason.statusCode()).as(action).isEqualTo(400);
      assertThat(noReason.body()).contains("reason is required");
      assertThat(s.post(path, Map.of("_csrf", csrf, "reason", "r")).statusCode())
          .as(action)
          .isEqualTo(404);
    }
    assertThat(s.get("/console/messages/bad%20id").statusCode()).isEqualTo(400);
    assertThat(s.get("/console/messages?from=yesterday").statusCode()).isEqualTo(400);

    // The session is the console's only: the API still wants its bearer token.
    assertThat(s.get("/api/v1/stats").statusCode()).isEqualTo(401);
  }

  @Test
  void onlyAnAdminTokenLogsInAndANamedOnesNameIsTheOperator() throws Exception {
    for (String token :
        new String[] {BrokerClient.PRODUCER_TOKEN, BrokerClient.CONSUMER_TOKEN, "unknown", ""}) {
      HttpResponse<String> refused = new Session().login(token, "x");
      assertThat(refused.headers().firstValue("Location"))
          .as(token)
          .hasValueSatisfying(l -> assertThat(l).endsWith("/console/login?error"));
    }
    Session named = new Session();
    named.login("dora-admin-token", "someone-else");
    assertThat(named.get("/console").body()).contains("operator: dora");
    Session unnamed = new Session();
    unnamed.login(BrokerClient.ADMIN_TOKEN, "");
    assertThat(unnamed.get("/console").body()).contains("operator: admin");
    assertThat(new Session().get("/console").headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/console/login"));
  }

  private String pauses() {
    return new BrokerClient(port, BrokerClient.ADMIN_TOKEN).get("/api/v1/pauses").body();
  }

  /** A browser's cookie jar over plain HTTP, without following redirects. */
  private final class Session {
    private final HttpClient http =
        HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

    HttpResponse<String> login(String token, String operator) throws Exception {
      String csrf = csrfOf("/console/login");
      Map<String, String> form = new LinkedHashMap<>();
      form.put("token", token);
      form.put("operator", operator);
      form.put("_csrf", csrf);
      return post("/console/login", form);
    }

    String csrfOf(String page) throws Exception {
      Matcher m = CSRF.matcher(get(page).body());
      assertThat(m.find()).as("a CSRF field on " + page).isTrue();
      return m.group(1);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return http.send(
          HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, Map<String, String> form)
        throws IOException, InterruptedException {
      String body =
          form.entrySet().stream()
              .map(
                  e ->
                      URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                          + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"));
      return http.send(
          HttpRequest.newBuilder(uri(path))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }
  }
}
