package io.halfmsg.consumer;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A RocketMQ tag expression ({@code *}, {@code TagA}, {@code TagA || TagB}).
 *
 * <p>RocketMQ applies it on the broker to first deliveries only: redeliveries travel on the group's
 * retry topic, which is subscribed with {@code *}. The consumer applies it again on every message.
 */
record TagExpression(String expression, Set<String> tags) {

  static TagExpression parse(String expression) {
    String e = expression == null || expression.isBlank() ? "*" : expression.trim();
    if (e.equals("*")) {
      return new TagExpression("*", Set.of());
    }
    Set<String> tags =
        Arrays.stream(e.split("\\|\\|"))
            .map(String::trim)
            .filter(t -> !t.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    if (tags.isEmpty()) {
      throw new IllegalArgumentException("Invalid tag expression: " + expression);
    }
    return new TagExpression(e, tags);
  }

  boolean matches(String tag) {
    return tags.isEmpty() || (tag != null && tags.contains(tag));
  }
}
