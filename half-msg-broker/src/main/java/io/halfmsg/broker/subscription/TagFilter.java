package io.halfmsg.broker.subscription;

import io.halfmsg.broker.web.Violations;
import java.util.Arrays;
import java.util.List;

/** RocketMQ tag expressions ({@code *}, {@code a || b}) as the delivery query matches them. */
final class TagFilter {

  private static final int MAX_TAG_LENGTH = 127;

  private TagFilter() {}

  /**
   * The expression's tags joined by {@code ||} without spaces, or null for every tag ({@code *} or
   * blank).
   */
  static String normalize(String expression, String field, Violations v) {
    if (expression == null || expression.isBlank() || withoutSpaces(expression).equals("*")) {
      return null;
    }
    // With -1, split keeps trailing empty tags ("a||"), which must be refused like inner ones.
    List<String> tags =
        Arrays.stream(expression.split("\\|\\|", -1)).map(TagFilter::withoutSpaces).toList();
    for (String tag : tags) {
      v.check(
          !tag.isEmpty()
              && tag.length() <= MAX_TAG_LENGTH
              && !tag.equals("*")
              && tag.chars().noneMatch(Character::isISOControl)
              && Violations.isUnicodeText(tag),
          field,
          "must be '*' or tags of 1 to 127 characters separated by '||'");
    }
    String joined = String.join("||", tags);
    v.check(joined.length() <= 1024, field, "must be at most 1024 characters");
    return joined;
  }

  /**
   * Without leading and trailing spaces ({@code "a || b"}); not {@link String#trim}, which would
   * also strip control characters: {@code "a"} with a control character after it passed as {@code
   * "a"}.
   */
  private static String withoutSpaces(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == ' ') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(start, end);
  }
}
