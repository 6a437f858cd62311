package io.halfmsg.broker.web;

import static io.halfmsg.broker.web.BadInputFixtures.CONSUMER_GROUP;
import static io.halfmsg.broker.web.BadInputFixtures.FORWARDED_ID;
import static io.halfmsg.broker.web.BadInputFixtures.PREPARED_ID;
import static io.halfmsg.broker.web.BadInputFixtures.PRODUCER_GROUP;
import static io.halfmsg.broker.web.BadInputFixtures.ROLLED_BACK_ID;
import static io.halfmsg.broker.web.BadInputFixtures.TOPIC;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.broker.web.BadRequest.Expect;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON bodies for each endpoint: one it would accept and act on were nothing else wrong with the
 * request ({@link #valid}), and ones it must refuse: against its rules ({@link #invalid}), not JSON
 * of its shape ({@link #malformed}), larger than the broker takes ({@link #tooLarge}).
 */
final class BadBodies {

  /** What an endpoint takes as its body. */
  enum Kind {
    NONE,
    PREPARE,
    RESOLVE,
    PREPARE_BATCH,
    DECISIONS,
    ENDPOINT,
    SUBSCRIPTION,
    ACKS,
    REPLAY,
    REARM,
    PAUSE,
    DEAD_REPLAY
  }

  /** A generated body, what is wrong with it, and how its answer is judged. */
  record Body(String defect, byte[] bytes, Expect expect) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Garbage g;

  BadBodies(Garbage garbage) {
    this.g = garbage;
  }

  /** A body the endpoint would accept and act on, e.g. a prepare of a new message. */
  byte[] valid(Kind kind) {
    return switch (kind) {
      case NONE -> null;
      case PREPARE -> json(prepare());
      case RESOLVE -> json(Map.of("state", g.pick("COMMIT", "ROLLBACK"), "reason", "bad input"));
      case PREPARE_BATCH -> json(Map.of("messages", List.of(prepare(), prepare())));
      case DECISIONS -> json(Map.of("decisions", List.of(decision(PREPARED_ID))));
      case ENDPOINT ->
          json(Map.of("checkBackUrl", "http://127.0.0.1:9/halfmsg/check", "instanceId", g.fresh()));
      case SUBSCRIPTION ->
          json(Map.of("topics", List.of(g.fresh()), "ackTimeoutMs", 86_400_000, "maxAttempts", 3));
      case ACKS -> json(List.of(ack(FORWARDED_ID, CONSUMER_GROUP)));
      case REPLAY -> json(Map.of("consumerGroup", CONSUMER_GROUP, "reason", "bad input"));
      case REARM, PAUSE -> json(Map.of("reason", "bad input"));
      case DEAD_REPLAY ->
          json(Map.of("confirmation", "1.1.0123456789abcdef", "reason", "bad input"));
    };
  }

  /** Well-formed JSON of the endpoint's shape that breaks one or more of its rules. */
  Body invalid(Kind kind) {
    return switch (kind) {
      case NONE -> throw new IllegalArgumentException("no body");
      case PREPARE -> {
        Map<String, Object> m = prepare();
        if (g.chance(0.1)) {
          m.remove("bodyEncoding");
          m.put(g.pick("body", "tag", "keys"), "a" + SURROGATE_MARK + "b");
          yield new Body("lone surrogate in a prepare", withSurrogate(json(m)), Expect.REFUSED);
        }
        String broken = breakPrepare(m);
        yield new Body("invalid prepare: " + broken, json(m), Expect.REFUSED);
      }
      case PREPARE_BATCH -> batch("messages", this::badPrepareItem, prepare());
      case DECISIONS -> batch("decisions", this::badDecisionItem, decision(PREPARED_ID));
      case RESOLVE -> {
        Map<String, Object> m = new LinkedHashMap<>();
        if (g.chance(0.8)) {
          m.put("state", g.pick("commit", "COMMITTED", "ROLLED_BACK", "", "PARKED", "UNKNOWN"));
        }
        yield new Body("invalid resolve: " + m, json(m), Expect.REFUSED);
      }
      case ENDPOINT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checkBackUrl", "http://127.0.0.1:9/halfmsg/check");
        String broken =
            g.oneOf(
                () -> m.remove("checkBackUrl"),
                () -> m.put("checkBackUrl", g.pick(BAD_URLS)),
                () -> m.put("checkBackUrl", "http://127.0.0.1:9/" + SURROGATE_MARK),
                () -> m.put("checkBackUrl", "http://127.0.0.1/" + "x".repeat(520)),
                () ->
                    m.put("instanceId", g.pick("", "a b", "x".repeat(129), "é", "a/b", "a\u0000")));
        yield new Body("invalid endpoint: " + broken, withSurrogate(json(m)), Expect.REFUSED);
      }
      case SUBSCRIPTION -> {
        Map<String, Object> m = new LinkedHashMap<>();
        String topic = g.fresh();
        m.put("topics", new ArrayList<>(List.of(topic)));
        String broken = breakSubscription(m, topic);
        yield new Body("invalid subscription: " + broken, json(m), Expect.REFUSED);
      }
      case ACKS -> {
        List<Object> acks = new ArrayList<>();
        String broken =
            g.oneOf(
                () -> {},
                () -> acks.add(null),
                () -> {
                  for (int i = 0; i < 1001; i++) {
                    acks.add(ack(FORWARDED_ID, CONSUMER_GROUP));
                  }
                },
                () -> acks.add(ack(g.badMessageId(), CONSUMER_GROUP)),
                () -> acks.add(ack(FORWARDED_ID, g.badName())),
                () -> acks.add(Map.of("messageId", FORWARDED_ID)),
                () -> acks.add(Map.of()));
        if (!acks.isEmpty() && acks.size() < 1001 && g.chance(0.5)) {
          // A valid ack beside the broken one: the whole request is refused, nothing is acked.
          acks.add(0, ack(FORWARDED_ID, CONSUMER_GROUP));
        }
        yield new Body("invalid acks: " + broken, json(acks), Expect.REFUSED);
      }
      case REPLAY -> {
        Map<String, Object> m = new LinkedHashMap<>();
        String broken =
            g.oneOf(
                () -> {},
                () -> m.put("messageId", FORWARDED_ID),
                () -> {
                  m.put("messageId", FORWARDED_ID);
                  m.put("consumerGroup", CONSUMER_GROUP);
                  m.put("topic", TOPIC);
                },
                () -> m.put("consumerGroup", g.badName()),
                () -> m.put("topic", g.badName()),
                () -> {
                  // Only DEAD deliveries are replayed, and the setup has none.
                  m.put(
                      "messageId",
                      g.pick(FORWARDED_ID, FORWARDED_ID + " ", g.fresh(), g.badMessageId()));
                  m.put("consumerGroup", CONSUMER_GROUP);
                });
        yield new Body("invalid replay: " + broken + " " + m.keySet(), json(m), Expect.REFUSED);
      }
      case REARM, PAUSE -> {
        Map<String, Object> m = new LinkedHashMap<>();
        String broken = badReason(m);
        yield new Body("invalid " + kind + ": " + broken, json(m), Expect.REFUSED);
      }
      case DEAD_REPLAY -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("confirmation", "1.1.0123456789abcdef");
        m.put("reason", "bad input");
        String broken =
            g.oneOf(
                () -> m.remove("confirmation"),
                () ->
                    m.put(
                        "confirmation",
                        g.pick("", "1.1", "0.1.0123456789abcdef", "1.1.XYZ", "a.b.c", "1.1.0123")),
                () -> badReason(m));
        yield new Body("invalid dead-group replay: " + broken, json(m), Expect.REFUSED);
      }
    };
  }

  /** An operator's reason that breaks its rules: missing, blank, too long, with a control. */
  private String badReason(Map<String, Object> m) {
    return g.oneOf(
        () -> m.remove("reason"),
        () -> m.put("reason", g.pick("", " ", "\t\n")),
        () -> m.put("reason", "r".repeat(201)),
        () -> m.put("reason", "bell\u0007"));
  }

  /** Bytes that are not JSON of the endpoint's shape: truncated, garbled, wrongly typed. */
  Body malformed(Kind kind) {
    byte[] valid = valid(kind);
    String text = new String(valid, StandardCharsets.UTF_8);
    boolean isArray = kind == Kind.ACKS;
    int choice = g.random().nextInt(9);
    return switch (choice) {
      case 0 ->
          refused(
              "truncated JSON", utf8(text.substring(0, 1 + g.random().nextInt(text.length() - 1))));
      case 1 -> refused("empty body", new byte[0]);
      case 2 -> refused("blank body", utf8(g.pick(" ", "\r\n", "\t \n")));
      case 3 -> refused("trailing garbage", utf8(text + g.pick("x", "}", "]", ",", "null", text)));
      case 4 -> refused("garbage bytes inside", insert(valid, g.pick(GARBAGE_BYTES)));
      case 5 ->
          refused(
              "wrong top-level type",
              utf8(
                  isArray
                      ? g.pick("{}", "\"acks\"", "42", "null", text.substring(1, text.length() - 1))
                      : g.pick("[]", "[" + text + "]", "\"body\"", "42", "true", "null")));
      case 6 -> refused("deep nesting", deeplyNested(text, isArray));
      case 7 -> refused("not JSON", utf8(g.pick("<xml/>", "a=b&c=d", "{'a':1}", "{a:1}", "NaN")));
      default -> wronglyTyped(kind);
    };
  }

  /** A body larger than {@code halfmsg.api.max-request-size} or the message body limit. */
  Body tooLarge(Kind kind) {
    if (kind == Kind.PREPARE && g.chance(0.5)) {
      Map<String, Object> m = prepare();
      m.remove("bodyEncoding");
      m.put("body", "x".repeat(BadInputFixtures.MAX_BODY_BYTES + 1 + g.random().nextInt(100)));
      return refused("message body over max-body-size", json(m));
    }
    int size = BadInputFixtures.MAX_REQUEST_BYTES + 1 + g.random().nextInt(20_000);
    if (kind == Kind.PREPARE_BATCH || kind == Kind.DECISIONS) {
      size += BadInputFixtures.MAX_BATCH_REQUEST_BYTES - BadInputFixtures.MAX_REQUEST_BYTES;
    }
    String text = new String(valid(kind), StandardCharsets.UTF_8);
    String padded =
        kind == Kind.ACKS
            ? "[" + "{},".repeat(size / 3) + text.substring(1)
            : "{\"zz\":\"" + "x".repeat(size) + "\"," + text.substring(1);
    return refused("request body over max-request-size", utf8(padded));
  }

  // --- prepares

  private Map<String, Object> prepare() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("messageId", g.fresh());
    m.put("producerGroup", PRODUCER_GROUP);
    m.put("topic", TOPIC);
    if (g.chance(0.3)) {
      m.put("tag", "tag_" + g.alnum(4));
    }
    if (g.chance(0.3)) {
      m.put("keys", "k1 k2");
    }
    if (g.chance(0.3)) {
      m.put("bodyEncoding", "base64");
      m.put("body", Base64.getEncoder().encodeToString(utf8("payload " + g.alnum(8))));
    } else {
      m.put("body", "payload " + g.alnum(8));
    }
    if (g.chance(0.3)) {
      m.put("properties", Map.of("order", "42"));
    }
    if (g.chance(0.3)) {
      m.put("checkAfterMs", 86_400_000);
    }
    return m;
  }

  /** Breaks 1 to 3 rules of a prepare; returns what was broken. */
  private String breakPrepare(Map<String, Object> m) {
    List<String> broken = new ArrayList<>();
    int n = 1 + g.random().nextInt(3);
    for (int i = 0; i < n; i++) {
      broken.add(breakOnePrepareRule(m));
    }
    return String.join(", ", broken);
  }

  private String breakOnePrepareRule(Map<String, Object> m) {
    return g.oneOf(
        () -> m.put("messageId", g.badMessageId()),
        () -> m.remove("producerGroup"),
        () -> m.put("producerGroup", g.pick("", g.badName())),
        () -> m.remove("topic"),
        () -> m.put("topic", g.pick("", g.badName(), g.pick(SYSTEM_TOPICS))),
        () -> m.remove("body"),
        () -> m.put("body", ""),
        () -> {
          m.put("bodyEncoding", "base64");
          m.put("body", g.pick("!!!", "a", "@@==", "", "ab$d"));
        },
        () -> m.put("bodyEncoding", g.pick("gzip", "UTF8", "utf-8", "", "BASE64")),
        () -> m.put("tag", g.pick(" ", "", "a||b", "t\u0001", "x".repeat(128))),
        () -> m.put("keys", g.pick("k".repeat(1025), "a\nb", "\u0000")),
        () -> m.put("properties", badProperties()),
        () -> m.put("checkAfterMs", g.pick(-1L, 86_400_001L, Long.MIN_VALUE, Long.MAX_VALUE)),
        () -> m.put("deliverAfterMs", g.pick(-1L, 3_456_000_001L, Long.MIN_VALUE, Long.MAX_VALUE)),
        () -> m.put("deliverAt", g.pick(-1L, Long.MIN_VALUE, Long.MAX_VALUE)),
        () -> {
          m.put("deliverAfterMs", 1000L);
          m.put("deliverAt", 1000L);
        });
  }

  private Map<String, Object> badProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    int choice = g.random().nextInt(8);
    switch (choice) {
      case 0 -> p.put(g.pick("bad\u0001name", "bad\u0002name"), "v");
      case 1 -> p.put(g.pick("KEYS", "TAGS", "DELAY", "UNIQ_KEY", "TRAN_MSG"), "v");
      case 2 -> p.put("HALFMSG_" + g.alnum(3), "v");
      case 3 -> {
        for (int i = 0; i < 65; i++) {
          p.put("p" + i, "v");
        }
      }
      case 4 -> p.put("a", "x".repeat(4097));
      case 5 -> p.put("a", null);
      case 6 -> p.put("a", g.pick("sep\u0001", "sep\u0002"));
      default -> p.put(g.pick("", " ", "x".repeat(65)), "v");
    }
    return p;
  }

  private Map<String, Object> badPrepareItem() {
    Map<String, Object> m = prepare();
    if (g.chance(0.1)) {
      m.remove("bodyEncoding");
      m.put("body", "x".repeat(BadInputFixtures.MAX_BODY_BYTES + 1));
    } else {
      breakPrepare(m);
    }
    return m;
  }

  // --- decisions

  private static Map<String, Object> decision(String messageId) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("messageId", messageId);
    d.put("decision", "COMMIT");
    return d;
  }

  private Map<String, Object> badDecisionItem() {
    Map<String, Object> d = new LinkedHashMap<>();
    g.oneOf(
        () -> {
          d.put("messageId", g.badMessageId());
          d.put("decision", g.pick("COMMIT", "ROLLBACK"));
        },
        () -> {
          d.put("messageId", PREPARED_ID);
          d.put("decision", g.pick("commit", "ABORT", "", "COMMITTED", "UNKNOWN"));
        },
        () -> d.put("messageId", PREPARED_ID),
        () -> d.put("decision", "COMMIT"),
        () -> {
          // Unknown, or already decided the other way: 404 and 409, nothing changes.
          d.put("messageId", g.pick(g.fresh(), ROLLED_BACK_ID));
          d.put("decision", "COMMIT");
        },
        () -> {
          d.put("messageId", FORWARDED_ID);
          d.put("decision", "ROLLBACK");
        });
    return d;
  }

  /**
   * A batch body: either an envelope the endpoint cannot use (400), or items that are each refused
   * (200, every item refused).
   */
  private Body batch(
      String field, java.util.function.Supplier<Map<String, Object>> badItem, Object goodItem) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (g.chance(0.5)) {
      List<Object> items = new ArrayList<>();
      int n = 1 + g.random().nextInt(5);
      for (int i = 0; i < n; i++) {
        // A null item: refused on its own (decisions) or with its whole batch (prepares).
        items.add(g.chance(0.1) ? null : badItem.get());
      }
      m.put(field, items);
      return new Body("batch of " + n + " refused items", json(m), Expect.REFUSED_ITEMS);
    }
    String broken =
        g.oneOf(
            () -> {},
            () -> m.put(field, null),
            () -> m.put(field, List.of()),
            () -> m.put(field, g.pick("x", "", 7)),
            () -> m.put(field, Map.of("a", goodItem)),
            () -> m.put(field, java.util.Collections.nCopies(1001, goodItem)));
    return new Body("unusable batch envelope: " + broken, json(m), Expect.REFUSED);
  }

  // --- subscriptions and acks

  private String breakSubscription(Map<String, Object> m, String topic) {
    return g.oneOf(
        () -> m.remove("topics"),
        () -> m.put("topics", List.of()),
        () -> m.put("topics", java.util.Arrays.asList(topic, g.pick("", g.badName()))),
        () -> m.put("topics", java.util.Arrays.asList(topic, null)),
        () -> {
          List<String> many = new ArrayList<>();
          for (int i = 0; i < 101; i++) {
            many.add("t" + i + "_" + topic);
          }
          m.put("topics", many);
        },
        () -> m.put("ackTimeoutMs", g.pick(99L, 86_400_001L, -1L, 0L, Long.MIN_VALUE)),
        () -> m.put("maxAttempts", g.pick(0, 1001, -1, Integer.MIN_VALUE)),
        () -> m.put("tags", Map.of("other_" + topic, "a")),
        () ->
            m.put(
                "tags",
                Map.of(
                    topic,
                    g.pick(
                        "a||",
                        "||",
                        "*||a",
                        "x".repeat(128),
                        "a\u0001",
                        "abcdefgh||".repeat(120) + "z"))));
  }

  private static Map<String, Object> ack(String messageId, String group) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("messageId", messageId);
    a.put("consumerGroup", group);
    return a;
  }

  // --- malformed

  private Body wronglyTyped(Kind kind) {
    Object wrong = g.pick(Map.of(), List.of(), List.of(1, 2), Map.of("a", 1));
    return switch (kind) {
      case PREPARE -> {
        Map<String, Object> m = prepare();
        String field =
            g.pick(
                "messageId",
                "producerGroup",
                "topic",
                "body",
                "properties",
                "checkAfterMs",
                "deliverAfterMs",
                "deliverAt");
        m.put(
            field,
            field.endsWith("Ms") || field.equals("deliverAt")
                ? g.pick(
                    "abc", Map.of(), new java.math.BigInteger("123456789012345678901234567890"))
                : field.equals("properties")
                    ? g.pick("x", List.of("a"), Map.of("a", Map.of()))
                    : wrong);
        yield refused("wrongly typed " + field, json(m));
      }
      case SUBSCRIPTION -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topics", List.of(g.fresh()));
        String field = g.pick("topics", "ackTimeoutMs", "maxAttempts", "tags");
        m.put(
            field,
            switch (field) {
              case "topics" -> g.pick("t", Map.of(), List.of(List.of("t")));
              case "ackTimeoutMs" ->
                  g.pick("abc", new java.math.BigInteger("99999999999999999999"));
              case "maxAttempts" -> g.pick("abc", 99_999_999_999L);
              default -> g.pick("t", List.of("t"), Map.of("t", List.of()));
            });
        yield refused("wrongly typed " + field, json(m));
      }
      case ACKS -> refused("wrongly typed ack", json(List.of(Map.of("messageId", wrong))));
      case PREPARE_BATCH ->
          refused(
              "wrongly typed item",
              json(Map.of("messages", List.of(g.pick(List.of(), List.of(1, 2), "x", 5)))));
      case DECISIONS ->
          refused(
              "wrongly typed item",
              json(Map.of("decisions", List.of(Map.of("messageId", wrong, "decision", "COMMIT")))));
      case RESOLVE -> refused("wrongly typed state", json(Map.of("state", wrong)));
      case ENDPOINT -> refused("wrongly typed url", json(Map.of("checkBackUrl", wrong)));
      case REPLAY -> refused("wrongly typed group", json(Map.of("consumerGroup", wrong)));
      case REARM, PAUSE -> refused("wrongly typed reason", json(Map.of("reason", wrong)));
      case DEAD_REPLAY ->
          refused(
              "wrongly typed confirmation",
              json(Map.of("confirmation", wrong, "reason", "bad input")));
      case NONE -> throw new IllegalArgumentException("no body");
    };
  }

  private byte[] deeplyNested(String text, boolean isArray) {
    int depth = 1500 + g.random().nextInt(3000);
    String nested = "[".repeat(depth) + "]".repeat(depth);
    return utf8(
        isArray
            ? "[" + nested + "," + text.substring(1)
            : "{\"zz\":" + nested + "," + text.substring(1));
  }

  private byte[] insert(byte[] valid, byte[] garbage) {
    int at = 1 + g.random().nextInt(valid.length - 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(valid, 0, at);
    out.writeBytes(garbage);
    out.write(valid, at, valid.length - at);
    return out.toByteArray();
  }

  private static final byte[][] GARBAGE_BYTES = {
    {0}, {(byte) 0xff}, {(byte) 0xc3, 0x28}, {(byte) 0xc0, (byte) 0xaf}, {1, 2, 3}
  };

  static final String[] BAD_URLS = {
    "",
    "not a url",
    "ftp://127.0.0.1/x",
    "file:///etc/passwd",
    "http://user:pw@127.0.0.1/x",
    "http://127.0.0.1/x#frag",
    "http://evil.example.com/x",
    "http://169.254.169.254/latest/meta-data",
    "http:///x",
    "http://[::1/x",
    "javascript:alert(1)",
    "//127.0.0.1/x",
    "http://127.0.0.1/ x",
    "http://8.8.8.8/x",
    "gopher://127.0.0.1:70/"
  };

  static final String[] SYSTEM_TOPICS = {
    "RMQ_SYS_TRANS_HALF_TOPIC", "SCHEDULE_TOPIC_XXXX", "%RETRY%g", "%DLQ%g", "TBW102", "rmq_sys_x"
  };

  /** Where {@link #withSurrogate} puts the UTF-8 bytes of a lone surrogate into a JSON string. */
  private static final String SURROGATE_MARK = "SURROGATE-MARK";

  /**
   * The JSON with each {@link #SURROGATE_MARK} replaced by {@code ED A0 80}: U+D800 encoded as if
   * it were a character. No valid UTF-8 has it; Jackson decodes it all the same.
   */
  private static byte[] withSurrogate(byte[] json) {
    String text = new String(json, StandardCharsets.ISO_8859_1);
    return text.replace(SURROGATE_MARK, "\u00ed\u00a0\u0080").getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Body refused(String defect, byte[] bytes) {
    return new Body(defect, bytes, Expect.REFUSED);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
