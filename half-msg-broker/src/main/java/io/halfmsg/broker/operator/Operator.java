package io.halfmsg.broker.operator;

import io.halfmsg.broker.web.Violations;
import java.util.regex.Pattern;

/**
 * Who did an operator's action and why, as the message's history keeps it.
 *
 * @param name a named admin token's name, the {@code X-Halfmsg-Operator} header, or {@link
 *     #DEFAULT_NAME}
 * @param reason what the operator gave as the reason; required
 */
public record Operator(String name, String reason) {

  /** The name of an operator whose token has no name and who sent none. */
  public static final String DEFAULT_NAME = "admin";

  /** Where the token filter leaves a named admin token's name on the request. */
  public static final String TOKEN_NAME_ATTRIBUTE = Operator.class.getName() + ".tokenName";

  public static final String NAME_CHARS = "[A-Za-z0-9._@-] and spaces";
  public static final int MAX_REASON = 200;

  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9._@-][A-Za-z0-9._@ -]{0,63}$");

  public static boolean isName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** The operator, or a 400 naming what is wrong with the name or the reason. */
  public static Operator of(String name, String nameField, String reason) {
    Violations v = new Violations();
    v.check(isName(name), nameField, "must be 1 to 64 characters of " + NAME_CHARS);
    checkReason(reason, v);
    v.throwIfAny();
    return new Operator(name, reason.strip());
  }

  /** The reason's rules: present, not blank, at most {@value #MAX_REASON} characters of text. */
  public static void checkReason(String reason, Violations v) {
    if (v.check(reason != null && !reason.isBlank(), "reason", "is required")) {
      String r = reason.strip();
      if (v.check(r.length() <= MAX_REASON, "reason", "must be at most 200 characters")) {
        v.check(
            Violations.isUnicodeText(r) && r.chars().noneMatch(Character::isISOControl),
            "reason",
            "must be text without control characters");
      }
    }
  }

  /** A history line's detail: what was done, then the reason. */
  public String detail(String what) {
    return what + ": " + reason;
  }
}
