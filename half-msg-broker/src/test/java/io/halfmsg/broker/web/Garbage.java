package io.halfmsg.broker.web;

import java.util.Random;

/**
 * Seeded random choices, and the ids, names and path segments a request must not get through with.
 * Every "bad" value here is refused by construction: it breaks a rule, or it names nothing that
 * exists (it always carries a {@link #fresh} part), or it changes the route.
 */
final class Garbage {

  private static final String ALNUM =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  /** Encodings that Tomcat refuses to decode, or that decode to characters no id or name has. */
  private static final String[] ENCODED = {
    "%zz",
    "%",
    "%0",
    "%00",
    "%2F",
    "%2f",
    "%5C",
    "%C0%AF",
    "%FF",
    "%ED%A0%80",
    "%E9",
    "%20",
    "%22",
    "%3C",
    "%7B",
    "%C3%A9",
    "%F0%9F%98%80",
    "%3B",
    "%3F",
    "%23",
    "%0D%0A",
    "%2E"
  };

  /** Characters a request target may not carry raw (\u00e9 goes as one byte, 0xE9). */
  private static final String[] RAW = {
    "{",
    "}",
    "|",
    "\\",
    "^",
    "`",
    "\"",
    "<",
    ">",
    " ",
    "#",
    "[",
    "]",
    "\u00e9",
    "\u00c3\u00a9",
    "\t"
  };

  private final Random random;

  Garbage(long seed) {
    this.random = new Random(seed);
  }

  Random random() {
    return random;
  }

  boolean chance(double p) {
    return random.nextDouble() < p;
  }

  @SafeVarargs
  final <T> T pick(T... options) {
    return options[random.nextInt(options.length)];
  }

  /** Runs one of the variants; returns which, for the report. */
  String oneOf(Runnable... variants) {
    int i = random.nextInt(variants.length);
    variants[i].run();
    return "#" + i;
  }

  String alnum(int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(ALNUM.charAt(random.nextInt(ALNUM.length())));
    }
    return s.toString();
  }

  /** A valid message id and valid topic or group name that nothing has: {@code bi} + 12 chars. */
  String fresh() {
    return "bi" + alnum(12);
  }

  /** A message id (as a JSON value) that breaks the id rules. */
  String badMessageId() {
    return pick(
        "",
        ".",
        "..",
        "x".repeat(65),
        fresh() + " ",
        fresh() + "/x",
        fresh() + "#",
        "\u00e9" + fresh(),
        fresh() + "\u0000",
        "\uD83D\uDE00" + fresh(),
        fresh() + "%",
        fresh() + "?");
  }

  /** A topic or group name (as a JSON value) that breaks RocketMQ's rules. */
  String badName() {
    return pick(
        fresh() + ".",
        fresh() + "!",
        fresh() + " ",
        "\u00e9",
        "x".repeat(128),
        fresh() + "/",
        fresh() + ":",
        fresh() + "*",
        "\u0000",
        fresh() + "\t");
  }

  /**
   * Raw text for a path segment where a message id goes: never an id that exists — unknown,
   * malformed, undecodable, too long, or a dot segment that changes the route.
   */
  String badIdSegment() {
    return switch (random.nextInt(9)) {
      case 0 -> fresh();
      case 1 -> "x".repeat(65 + random.nextInt(200)) + alnum(4);
      case 2 -> fresh() + ";" + pick("a=b", "jsessionid=x", "");
      default -> badSegment();
    };
  }

  /** Raw text for a path segment where a topic or group goes: never a valid name. */
  String badNameSegment() {
    return switch (random.nextInt(8)) {
      case 0 -> "x".repeat(128 + random.nextInt(100));
      case 1 -> fresh() + pick(".", "!", "~", ":", "@", "%7E", "%2E", "%3B");
      default -> badSegment();
    };
  }

  private String badSegment() {
    return switch (random.nextInt(7)) {
      case 0 -> fresh() + pick(ENCODED);
      case 1 -> pick(ENCODED) + fresh();
      // Not last: a space or tab there just ends the target, leaving a valid one.
      case 2 -> fresh() + pick(RAW) + fresh();
      case 3 -> pick(".", "..", "%2e", "%2e%2e", ".%2e", "");
      case 4 -> "x".repeat(BadInputFixtures.MAX_HEADER_BYTES + random.nextInt(8000));
      case 5 -> fresh() + pick(ENCODED) + pick(RAW) + pick(ENCODED);
      default -> fresh() + "/" + pick(ENCODED) + fresh();
    };
  }
}
