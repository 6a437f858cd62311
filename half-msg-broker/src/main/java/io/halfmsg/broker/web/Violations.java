package io.halfmsg.broker.web;

import io.halfmsg.api.WireRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Collects everything wrong with a request, so that one 400 lists all of it, not just the first
 * problem.
 */
public final class Violations {

  private static final int MAX_NAME_LENGTH = 127;

  private final String prefix;
  private final List<Map<String, String>> found = new ArrayList<>();

  public Violations() {
    this("");
  }

  /**
   * Violations of one part of a request, whose fields are named with {@code prefix} in front, e.g.
   * {@code messages[3].} for the fourth item of a batch.
   */
  public Violations(String prefix) {
    this.prefix = prefix;
  }

  public void add(String field, String message) {
    found.add(Map.of("field", prefix + field, "message", message));
  }

  /** Records a violation unless {@code condition} holds; returns the condition. */
  public boolean check(boolean condition, String field, String message) {
    if (!condition) {
      add(field, message);
    }
    return condition;
  }

  public boolean required(Object value, String field) {
    boolean present = value != null && !(value instanceof String s && s.isEmpty());
    return check(present, field, "is required");
  }

  /** A topic or group name: required, RocketMQ's charset, at most 127 characters. */
  public void rocketMqName(String value, String field) {
    if (required(value, field)) {
      if (check(value.length() <= MAX_NAME_LENGTH, field, "must be at most 127 characters")) {
        check(WireRules.isRocketMqName(value), field, "may contain only [%a-zA-Z0-9_-]");
      }
    }
  }

  /** A message id (present or not): {@link WireRules#isMessageId}; returns whether it is one. */
  public boolean messageId(String value, String field) {
    return check(
        WireRules.isMessageId(value), field, "must be 1 to 64 characters of [A-Za-z0-9._:-]");
  }

  /** The 400 for a path's message id that is not one, or nothing. */
  public static void requireMessageId(String value) {
    Violations v = new Violations();
    v.messageId(value, "messageId");
    v.throwIfAny();
  }

  /**
   * Whether {@code s} is Unicode text: no surrogate without its pair. JSON may escape one on its
   * own (an escape of U+D800 alone is valid JSON syntax; the raw bytes never get past {@link
   * Utf8BodyFilter}), and writing such a string out as UTF-8 would turn it into {@code ?}.
   */
  public static boolean isUnicodeText(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Records a violation unless {@code value} (when present) is Unicode text. */
  public void unicodeText(String value, String field) {
    if (value != null) {
      check(isUnicodeText(value), field, "must be valid Unicode text (UTF-8)");
    }
  }

  public void throwIfAny() {
    if (!found.isEmpty()) {
      throw toException();
    }
  }

  /** The 400 for a request with exactly one thing wrong. */
  public static ApiException invalid(String field, String message) {
    Violations v = new Violations();
    v.add(field, message);
    return v.toException();
  }

  private ApiException toException() {
    return new ApiException(
        ProblemType.INVALID_REQUEST,
        found.size() == 1
            ? found.get(0).get("field") + " " + found.get(0).get("message")
            : found.size()
                + " fields are invalid: "
                + found.stream()
                    .map(f -> f.get("field") + " " + f.get("message"))
                    .collect(Collectors.joining("; ")),
        Map.of("violations", List.copyOf(found)));
  }
}
