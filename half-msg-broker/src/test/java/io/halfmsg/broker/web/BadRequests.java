package io.halfmsg.broker.web;

import static io.halfmsg.broker.web.BadInputFixtures.CONSUMER_GROUP;
import static io.halfmsg.broker.web.BadInputFixtures.FORWARDED_ID;
import static io.halfmsg.broker.web.BadInputFixtures.PREPARED_ID;
import static io.halfmsg.broker.web.BadInputFixtures.PRODUCER_GROUP;
import static io.halfmsg.broker.web.BadInputFixtures.ROLLED_BACK_ID;
import static io.halfmsg.broker.web.BadInputFixtures.TOPIC;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.web.BadBodies.Body;
import io.halfmsg.broker.web.BadBodies.Kind;
import io.halfmsg.broker.web.BadRequest.Expect;
import io.halfmsg.broker.web.BadRequest.Framing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Generates requests to every endpoint of the broker, each with at least one defect that the broker
 * must refuse it for, plus random noise that must not change that: a wrong or missing token, a
 * method the path does not take, a path that names nothing or does not decode, headers too large or
 * malformed, a body that is not JSON, breaks the endpoint's rules or is too large, a content type
 * or an {@code Accept} the endpoint does not serve, a truncated or badly chunked upload. Everything
 * else about the request is valid: were the defect not there, the request would change the broker's
 * state (prepare a new message, commit the prepared one, ack the pending delivery, …) — which is
 * what makes "nothing changed" a real check.
 */
final class BadRequests {

  enum Role {
    PUBLIC,
    PRODUCER,
    CONSUMER,
    ADMIN
  }

  /** The API's endpoints, and the methods each one's path takes. */
  enum Endpoint {
    PREPARE("POST", "/api/v1/messages", Role.PRODUCER, Kind.PREPARE, "GET", "POST"),
    LIST_MESSAGES("GET", "/api/v1/messages", Role.ADMIN, Kind.NONE, "GET", "POST"),
    COMMIT("POST", "/api/v1/messages/{id}/commit", Role.PRODUCER, Kind.NONE, "POST"),
    ROLLBACK("POST", "/api/v1/messages/{id}/rollback", Role.PRODUCER, Kind.NONE, "POST"),
    RESOLVE("POST", "/api/v1/messages/{id}/resolve", Role.ADMIN, Kind.RESOLVE, "POST"),
    GET_MESSAGE("GET", "/api/v1/messages/{id}", Role.ADMIN, Kind.NONE, "GET"),
    STATS("GET", "/api/v1/stats", Role.ADMIN, Kind.NONE, "GET"),
    PREPARE_BATCH("POST", BatchPaths.PREPARE_BATCH, Role.PRODUCER, Kind.PREPARE_BATCH, "POST"),
    DECISIONS("POST", BatchPaths.DECISIONS, Role.PRODUCER, Kind.DECISIONS, "POST"),
    ENDPOINT(
        "PUT", "/api/v1/producer-groups/{group}/endpoints", Role.PRODUCER, Kind.ENDPOINT, "PUT"),
    SUBSCRIBE("PUT", "/api/v1/subscriptions/{group}", Role.CONSUMER, Kind.SUBSCRIPTION, "PUT"),
    UNSUBSCRIBE(
        "DELETE", "/api/v1/subscriptions/{group}/topics/{topic}", Role.ADMIN, Kind.NONE, "DELETE"),
    SUBSCRIPTIONS("GET", "/api/v1/subscriptions", Role.ADMIN, Kind.NONE, "GET"),
    ACKS("POST", "/api/v1/acks", Role.CONSUMER, Kind.ACKS, "POST"),
    REPLAY("POST", "/api/v1/deliveries/replay", Role.ADMIN, Kind.REPLAY, "POST"),
    REARM("POST", "/api/v1/messages/{id}/rearm", Role.ADMIN, Kind.REARM, "POST"),
    RELEASE("POST", "/api/v1/messages/{id}/release", Role.ADMIN, Kind.REARM, "POST"),
    BLOCKED_KEYS("GET", "/api/v1/blocked-keys", Role.ADMIN, Kind.NONE, "GET"),
    CANCEL("POST", "/api/v1/messages/{id}/cancel", Role.ADMIN, Kind.REARM, "POST"),
    PAUSE("PUT", "/api/v1/pauses/topics/{topic}", Role.ADMIN, Kind.PAUSE, "PUT", "DELETE"),
    PAUSES("GET", "/api/v1/pauses", Role.ADMIN, Kind.NONE, "GET"),
    DEAD_GROUPS("GET", "/api/v1/deliveries/dead-groups", Role.ADMIN, Kind.NONE, "GET"),
    DEAD_REPLAY(
        "POST",
        "/api/v1/deliveries/dead-groups/{group}/{fingerprint}/replay",
        Role.ADMIN,
        Kind.DEAD_REPLAY,
        "POST"),
    PRODUCERS("GET", "/api/v1/producer-groups", Role.ADMIN, Kind.NONE, "GET"),
    HEALTH("GET", "/actuator/health", Role.PUBLIC, Kind.NONE, "GET"),
    ACTUATOR("GET", "/actuator/metrics", Role.ADMIN, Kind.NONE, "GET");

    final String method;
    final String path;
    final Role role;
    final Kind body;
    final Set<String> methods;

    Endpoint(String method, String path, Role role, Kind body, String... methods) {
      this.method = method;
      this.path = path;
      this.role = role;
      this.body = body;
      Set<String> all = new java.util.HashSet<>(List.of(methods));
      all.add("OPTIONS");
      if (all.contains("GET")) {
        all.add("HEAD");
      }
      this.methods = Set.copyOf(all);
    }
  }

  private enum Defect {
    AUTH,
    METHOD,
    PATH,
    QUERY,
    HEADER_TOO_LARGE,
    PROTOCOL,
    CONTENT_TYPE,
    BODY_INVALID,
    BODY_MALFORMED,
    BODY_TOO_LARGE,
    FRAMING
  }

  private static final String[] METHODS = {
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "PATCH",
    "TRACE",
    "CONNECT",
    "FOO",
    "get",
    "PROPFIND",
    "M-SEARCH",
    "X".repeat(100)
  };

  private static final String[] JSON_TYPES = {
    "application/json",
    "application/json;charset=UTF-8",
    "application/json; charset=utf-8",
    "Application/JSON"
  };

  private static final String[] NOT_JSON_TYPES = {
    "text/plain",
    "application/xml",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
    "garbage",
    "application/problem+json",
    "application/json-patch+json",
    "text/json",
    "application/json;charset=bogus",
    "*/*",
    "application/*",
    ";",
    "application/json/x"
  };

  private final Garbage g;
  private final BadBodies bodies;

  BadRequests(long seed) {
    this.g = new Garbage(seed);
    this.bodies = new BadBodies(g);
  }

  BadRequest next() {
    Endpoint e = g.pick(Endpoint.values());
    Defect defect = g.pick(defectsOf(e));
    Draft d = new Draft(e);
    String what = defect.name().toLowerCase().replace('_', ' ');
    switch (defect) {
      case AUTH -> what = breakAuth(d);
      case METHOD -> {
        List<String> others = new ArrayList<>(List.of(METHODS));
        others.removeAll(e.methods);
        d.method = g.pick(others.toArray(String[]::new));
        what = "method " + BadRequest.abbreviate(d.method, 12);
      }
      case PATH -> what = "path: " + breakPath(d);
      case QUERY -> what = "query: " + badQuery(d);
      case HEADER_TOO_LARGE -> what = oversizedHeaders(d);
      case PROTOCOL -> what = "protocol: " + breakProtocol(d);
      case CONTENT_TYPE -> {
        d.contentType = g.chance(0.1) ? null : g.pick(NOT_JSON_TYPES);
        what = "content type " + d.contentType;
      }
      case BODY_INVALID -> what = d.use(bodies.invalid(e.body));
      case BODY_MALFORMED -> what = d.use(bodies.malformed(e.body));
      case BODY_TOO_LARGE -> what = d.use(bodies.tooLarge(e.body));
      case FRAMING -> {
        d.framing = g.pick(Framing.SHORT, Framing.BAD_CHUNKS);
        what = "framing " + d.framing;
      }
    }
    addNoise(d, defect);
    return d.build(what);
  }

  private static Defect[] defectsOf(Endpoint e) {
    List<Defect> d = new ArrayList<>();
    if (e.role != Role.PUBLIC) {
      d.add(Defect.AUTH);
    }
    d.addAll(List.of(Defect.METHOD, Defect.PATH, Defect.HEADER_TOO_LARGE, Defect.PROTOCOL));
    if (e == Endpoint.LIST_MESSAGES) {
      d.addAll(List.of(Defect.QUERY, Defect.QUERY, Defect.QUERY));
    }
    if (e.body != Kind.NONE) {
      d.addAll(
          List.of(
              Defect.CONTENT_TYPE,
              Defect.BODY_INVALID,
              Defect.BODY_INVALID,
              Defect.BODY_INVALID,
              Defect.BODY_MALFORMED,
              Defect.BODY_MALFORMED,
              Defect.BODY_MALFORMED,
              Defect.BODY_TOO_LARGE,
              Defect.FRAMING));
    }
    return d.toArray(Defect[]::new);
  }

  // --- defects

  private String breakAuth(Draft d) {
    Role required = d.endpoint.role;
    int choice = g.random().nextInt(3);
    if (choice == 0) {
      d.authorization = null;
      return "auth: no token";
    }
    if (choice == 1) {
      String token = BrokerClient.ADMIN_TOKEN;
      d.authorization =
          g.pick(
              "Basic YWRtaW46YWRtaW4=",
              "Bearer",
              "Bearer ",
              "Bearer wrong-token",
              "Bearer " + token + "x",
              "Bearer " + token.substring(1),
              "Token " + token,
              "Bearer" + token,
              "Bearer\t" + token,
              "Bearer \u00e9",
              "Bearer " + token.toUpperCase(),
              "Bearer " + "a".repeat(4000),
              "Bearer " + token + "," + token,
              "Bearer " + token + " " + token,
              token);
      return "auth: bad token";
    }
    String other =
        switch (required) {
          case ADMIN -> g.pick(BrokerClient.PRODUCER_TOKEN, BrokerClient.CONSUMER_TOKEN);
          case PRODUCER -> BrokerClient.CONSUMER_TOKEN;
          default -> BrokerClient.PRODUCER_TOKEN;
        };
    d.authorization = "Bearer " + other;
    return "auth: wrong role";
  }

  private String breakPath(Draft d) {
    Endpoint e = d.endpoint;
    boolean hasVariable = e.path.contains("{") || e == Endpoint.ACTUATOR || e == Endpoint.HEALTH;
    if (hasVariable && g.chance(0.7)) {
      switch (e) {
        case ACTUATOR -> {
          d.path =
              g.pick(
                  "/actuator/metrics/" + g.pick(g.fresh(), g.badIdSegment()),
                  "/actuator/metrics/jvm.memory.used",
                  "/actuator/"
                      + g.pick("env", "beans", "shutdown", "heapdump", "loggers", g.fresh()),
                  "/actuator/info/" + g.fresh());
          if (d.path.endsWith("jvm.memory.used")) {
            d.query = "tag=" + g.pick("nocolon", "area:nonexistent", ":", "a:b:c");
          }
          return "actuator " + BadRequest.abbreviate(d.path, 60);
        }
        case HEALTH -> {
          // Not a dot segment: "/actuator/health/." is the health endpoint itself.
          d.path =
              "/actuator/health/"
                  + g.pick(g.fresh(), "db/" + g.fresh(), g.fresh() + "%20", "x".repeat(9000));
          return "health component";
        }
        case PAUSE -> {
          // A valid fresh name would be paused: only names that are not names.
          d.path = e.path.replace("{topic}", g.badNameSegment());
          return "topic";
        }
        case ENDPOINT -> {
          // A valid name with no check-back secret is refused too.
          d.path = e.path.replace("{group}", g.pick(g.fresh(), g.badNameSegment()));
          return "group";
        }
        default -> {
          d.path =
              e.path
                  .replace(
                      "{id}",
                      g.chance(0.2)
                          // An id that exists, padded: the store ignores trailing spaces.
                          ? g.pick(PREPARED_ID, FORWARDED_ID, ROLLED_BACK_ID)
                              + g.pick("%20", "%20%20", "%09", "+")
                          : g.badIdSegment())
                  .replace("{group}", g.badNameSegment())
                  .replace("{fingerprint}", g.pick("XYZ", "0123456789ABCDEF", "%20", g.fresh()))
                  .replace("{topic}", g.chance(0.5) ? g.badNameSegment() : g.fresh());
          return "variable";
        }
      }
    }
    String path = d.path;
    boolean api = path.startsWith("/api/");
    d.path =
        // The actuator takes a trailing slash, so that is no defect there.
        switch (g.random().nextInt(api ? 7 : 6) + (api ? 0 : 1)) {
          case 0 -> path + "/";
          case 1 -> path + "/" + g.fresh();
          case 2 -> api ? path.replaceFirst("/api/", "/API/") : "/Actuator" + path.substring(9);
          case 3 -> path.replaceFirst("/v1/", "/v2/").replaceFirst("/actuator/", "/actuators/");
          case 4 -> path + g.pick(".json", ".xml", "~", "%20", "%00", ":batch");
          case 5 -> "/" + g.fresh() + path;
          default -> path.replaceFirst("/v1/", "/v/").replaceFirst("/actuator/", "/actuato/");
        };
    return "structure";
  }

  private String badQuery(Draft d) {
    String bad =
        g.chance(0.2)
            ? "limit=" + g.pick("0", "501", "abc", "-1", "99999999999", "1.5", "1e3")
            : g.pick(
                "state=" + g.pick("prepared", "GARBAGE", "PREPARED,COMMITTED", ""),
                "state=PREPARED&state=COMMITTED",
                "topic=" + g.pick("bad.name", "x".repeat(128), "", "%C3%A9"),
                "producerGroup=" + g.pick("bad!", "x".repeat(128), ""),
                "after=" + g.pick("abc", "-1", "1234567890123456789", "1.5", "", "0x10"));
    // Not before a bad limit: of two limits the first counts.
    d.query = (g.chance(0.5) && !bad.startsWith("limit") ? "limit=10&" : "") + bad;
    return bad;
  }

  private String oversizedHeaders(Draft d) {
    int size = BadInputFixtures.MAX_HEADER_BYTES + g.random().nextInt(32_000);
    switch (g.random().nextInt(4)) {
      case 0 -> d.headers.add("X-Big: " + "x".repeat(size));
      case 1 -> {
        for (int i = 0; i * 110 < size; i++) {
          d.headers.add("X-Pad-" + i + ": " + "y".repeat(100));
        }
      }
      case 2 -> d.headers.add("Cookie: a=" + "z".repeat(size));
      default -> d.headers.add("User-Agent: " + "u".repeat(size));
    }
    return "headers over " + size + " bytes";
  }

  private String breakProtocol(Draft d) {
    switch (g.random().nextInt(6)) {
      case 0 -> {
        d.version =
            g.pick(
                "HTTP/2.0",
                "HTTP/1.2",
                "HTTP/9.9",
                "http/1.1",
                "HTTP/1.1x",
                "HTTP/1.",
                "FOO/1.1",
                "HTTP/1.1 extra");
        return "version " + d.version;
      }
      case 1 -> {
        d.method = g.pick("GE(T", "P@ST", "PO\"ST", "", "P,OST", "PUT\u0000");
        return "method token";
      }
      case 2 -> {
        String host = g.pick("none", "twice", "a b", "[::1", "@", "a\u0001b");
        d.host =
            host.equals("none")
                ? List.of()
                : host.equals("twice") ? List.of("a", "b") : List.of(host);
        return "host " + host;
      }
      case 3 -> {
        d.headers.add(
            g.pick(
                "NoColonHere",
                "Bad Name: x",
                "X-A: a\u0000b",
                "X-A: a\rb",
                ": novalue",
                "X-\u00e9: x",
                "X-A\t: x",
                "X-A : x"));
        return "header line";
      }
      case 4 -> {
        byte[] payload = d.body == null ? BadBodies.utf8("{}") : d.body;
        d.framing = Framing.AS_IS;
        String length = g.pick("abc", "-1", "1, 2", "+5", "0x10", "99999999999999999999", "twice");
        if (length.equals("twice")) {
          d.headers.add("Content-Length: " + payload.length);
          d.headers.add("Content-Length: " + (payload.length + 1));
        } else {
          d.headers.add("Content-Length: " + length);
        }
        d.body = payload;
        return "content length " + length;
      }
      default -> {
        String coding = g.pick("gzip", "chunked, gzip", "identity", "chunkedx", "gzip, chunked");
        d.framing = Framing.AS_IS;
        d.headers.add("Transfer-Encoding: " + coding);
        return "transfer encoding " + coding;
      }
    }
  }

  // --- noise: never repairs the defect

  private void addNoise(Draft d, Defect defect) {
    int n = g.random().nextInt(4);
    for (int i = 0; i < n; i++) {
      switch (g.random().nextInt(10)) {
        case 0 ->
            d.headers.add("X-Noise-" + g.alnum(4) + ": " + printable(1 + g.random().nextInt(200)));
        case 1 ->
            // The API disregards an Accept it cannot honour, so none of these is a defect.
            d.accept =
                g.pick(
                    "application/json",
                    "*/*",
                    "application/problem+json",
                    "application/json, application/problem+json",
                    "*/*;q=0.1",
                    "application/*",
                    "a/b/c",
                    "*/*;q=abc",
                    ";;;",
                    "image/png",
                    "text/html",
                    "application/xml");
        case 2 ->
            d.headers.add(
                g.pick(
                    "Accept-Encoding: gzip, deflate, br",
                    "Accept-Charset: ebcdic",
                    "Accept-Language: zz-ZZ;q=x",
                    "Cookie: JSESSIONID=" + g.alnum(8) + "; a=b",
                    "If-Match: *",
                    "Range: bytes=0-0",
                    "Referer: javascript:1",
                    "Origin: http://evil.example"));
        case 3 ->
            d.headers.add(
                g.pick(
                    "X-Forwarded-For: " + printable(20),
                    "X-Forwarded-Host: evil.example",
                    "X-Forwarded-Proto: gopher",
                    "Forwarded: for=\"[::1\"",
                    "X-Forwarded-Prefix: /evil"));
        case 4 -> {
          if (d.body != null) {
            d.headers.add("Expect: 100-continue");
          }
        }
        case 5 -> {
          if (d.body != null) {
            d.headers.add("Content-Encoding: " + g.pick("gzip", "br", "identity", "x"));
          }
        }
        case 6 -> d.headers.add(g.pick("Upgrade: h2c", "Upgrade: websocket"));
        case 7 -> {
          if (d.query == null) {
            d.query = g.pick("a=b", "%zz", "x", "state=PREPARED", "&&&", "a=" + "q".repeat(1000));
          }
        }
        case 8 -> {
          if (defect != Defect.PATH) {
            // A path parameter is stripped before routing: the route stays the same.
            int slash = d.path.lastIndexOf('/');
            d.path = d.path.substring(0, slash) + ";x=1" + d.path.substring(slash);
          }
        }
        default -> {
          if (d.body == null && d.endpoint.body == Kind.NONE && defect != Defect.PROTOCOL) {
            d.body = BadBodies.utf8(g.pick("{}", "garbage", "[1,2]", "\u0000"));
            d.contentType = g.pick("application/json", "text/plain");
          }
        }
      }
    }
  }

  private String printable(int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append((char) (0x20 + g.random().nextInt(0x5f)));
    }
    return s.toString();
  }

  /** A request being generated: valid in every part until a defect is put in. */
  private final class Draft {
    final Endpoint endpoint;
    String method;
    String path;
    String query;
    String version = "HTTP/1.1";
    List<String> host = List.of("127.0.0.1");
    String authorization;
    String contentType;
    String accept;
    final List<String> headers = new ArrayList<>();
    byte[] body;
    Framing framing;
    Expect expect = Expect.REFUSED;

    Draft(Endpoint e) {
      endpoint = e;
      method = e.method;
      path = validPath(e);
      query =
          e == Endpoint.LIST_MESSAGES
              ? g.pick(null, "state=PREPARED", "topic=" + TOPIC + "&limit=10", "after=0")
              : null;
      authorization =
          switch (e.role) {
            case PUBLIC -> null;
            case ADMIN -> "Bearer " + BrokerClient.ADMIN_TOKEN;
            case PRODUCER ->
                "Bearer " + g.pick(BrokerClient.PRODUCER_TOKEN, BrokerClient.ADMIN_TOKEN);
            case CONSUMER ->
                "Bearer " + g.pick(BrokerClient.CONSUMER_TOKEN, BrokerClient.ADMIN_TOKEN);
          };
      body = bodies.valid(e.body);
      contentType = body == null ? null : g.pick(JSON_TYPES);
      framing = g.chance(0.2) ? Framing.CHUNKED : Framing.LENGTH;
    }

    String use(Body b) {
      body = b.bytes();
      expect = b.expect();
      return b.defect();
    }

    BadRequest build(String defect) {
      List<String> lines = new ArrayList<>();
      host.forEach(h -> lines.add("Host: " + h));
      lines.add("Connection: close");
      if (authorization != null) {
        lines.add("Authorization: " + authorization);
      }
      if (contentType != null) {
        lines.add("Content-Type: " + contentType);
      }
      if (accept != null) {
        lines.add("Accept: " + accept);
      }
      lines.addAll(headers);
      // Header lines go as ISO-8859-1: a char above 0xff would not be one byte.
      lines.replaceAll(
          l -> new String(l.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1));
      return new BadRequest(
          endpoint.name(),
          defect,
          expect,
          method,
          query == null ? path : path + "?" + query,
          version,
          lines,
          body,
          framing);
    }
  }

  /** The endpoint's path with the setup's ids and names: the request would act on them. */
  private String validPath(Endpoint e) {
    return switch (e) {
      case COMMIT, ROLLBACK, RESOLVE, REARM, RELEASE, CANCEL, GET_MESSAGE ->
          e.path.replace("{id}", g.pick(PREPARED_ID, PREPARED_ID, FORWARDED_ID, ROLLED_BACK_ID));
      case ENDPOINT -> e.path.replace("{group}", PRODUCER_GROUP);
      case SUBSCRIBE -> e.path.replace("{group}", g.pick(CONSUMER_GROUP, g.fresh()));
      case UNSUBSCRIBE -> e.path.replace("{group}", CONSUMER_GROUP).replace("{topic}", TOPIC);
      case PAUSE -> e.path.replace("{topic}", TOPIC);
      case DEAD_REPLAY ->
          e.path.replace("{group}", CONSUMER_GROUP).replace("{fingerprint}", "0123456789abcdef");
      case ACTUATOR ->
          g.pick("/actuator/info", "/actuator/metrics", "/actuator/metrics/jvm.memory.used");
      case HEALTH -> g.pick("/actuator/health", "/actuator/health/db");
      default -> e.path;
    };
  }
}
