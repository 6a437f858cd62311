package io.halfmsg.api;

/**
 * A strict RFC 8259 recogniser that extracts one string member of a top-level JSON object. It
 * exists so that this module needs no JSON library; it validates the whole text (so that trailing
 * garbage or a truncated body is never mistaken for an answer) but builds nothing except the
 * strings it must compare.
 */
final class StrictJsonScanner {

  /** Nesting beyond this is refused rather than risk deep recursion on hostile input. */
  static final int MAX_DEPTH = 32;

  private final String text;
  private int pos;

  private StrictJsonScanner(String text) {
    this.text = text;
  }

  /**
   * Returns the value of member {@code name} of the JSON object {@code text}, or {@code null} when
   * {@code text} is not exactly one well-formed JSON object (surrounding whitespace allowed), when
   * the member is absent or its value is not a string, or when the member occurs more than once.
   * Names and values are compared after unescaping, as any JSON parser would.
   */
  static String uniqueTopLevelString(String text, String name) {
    try {
      return new StrictJsonScanner(text).scanObjectFor(name);
    } catch (Malformed e) {
      return null;
    }
  }

  private String scanObjectFor(String name) throws Malformed {
    skipWhitespace();
    expect('{');
    String value = null;
    int occurrences = 0;
    skipWhitespace();
    if (peek() == '}') {
      pos++;
    } else {
      while (true) {
        skipWhitespace();
        String member = readString();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        if (member.equals(name)) {
          occurrences++;
          value = peek() == '"' ? readString() : skipValueReturningNull(1);
        } else {
          skipValue(1);
        }
        skipWhitespace();
        char c = next();
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw new Malformed();
        }
      }
    }
    skipWhitespace();
    if (pos != text.length()) {
      throw new Malformed();
    }
    // A repeated member is ambiguous (parsers disagree on which one wins), so it decides nothing.
    return occurrences == 1 ? value : null;
  }

  private String skipValueReturningNull(int depth) throws Malformed {
    skipValue(depth);
    return null;
  }

  private void skipValue(int depth) throws Malformed {
    if (depth > MAX_DEPTH) {
      throw new Malformed();
    }
    char c = peek();
    switch (c) {
      case '{' -> skipObject(depth);
      case '[' -> skipArray(depth);
      case '"' -> readString();
      case 't' -> expectLiteral("true");
      case 'f' -> expectLiteral("false");
      case 'n' -> expectLiteral("null");
      default -> skipNumber();
    }
  }

  private void skipObject(int depth) throws Malformed {
    expect('{');
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return;
    }
    while (true) {
      skipWhitespace();
      readString();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      skipValue(depth + 1);
      skipWhitespace();
      char c = next();
      if (c == '}') {
        return;
      }
      if (c != ',') {
        throw new Malformed();
      }
    }
  }

  private void skipArray(int depth) throws Malformed {
    expect('[');
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return;
    }
    while (true) {
      skipWhitespace();
      skipValue(depth + 1);
      skipWhitespace();
      char c = next();
      if (c == ']') {
        return;
      }
      if (c != ',') {
        throw new Malformed();
      }
    }
  }

  private void skipNumber() throws Malformed {
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else {
      requireDigits();
    }
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      requireDigits();
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      requireDigits();
    }
  }

  private void requireDigits() throws Malformed {
    int start = pos;
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw new Malformed();
    }
  }

  private String readString() throws Malformed {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw new Malformed();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escaped = next();
      switch (escaped) {
        case '"', '\\', '/' -> out.append(escaped);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(readHexChar());
        default -> throw new Malformed();
      }
    }
  }

  private char readHexChar() throws Malformed {
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value = value * 16 + hexDigit(next());
    }
    return (char) value;
  }

  private void expectLiteral(String literal) throws Malformed {
    if (!text.startsWith(literal, pos)) {
      throw new Malformed();
    }
    pos += literal.length();
  }

  private void expect(char expected) throws Malformed {
    if (next() != expected) {
      throw new Malformed();
    }
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private char peek() throws Malformed {
    if (pos >= text.length()) {
      throw new Malformed();
    }
    return text.charAt(pos);
  }

  private char next() throws Malformed {
    char c = peek();
    pos++;
    return c;
  }

  // Not Character.digit: that also accepts non-ASCII digits and full-width letters.
  private static int hexDigit(char c) throws Malformed {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    throw new Malformed();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Thrown on the first deviation from the grammar; carries no stack trace, as it is expected. */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed() {
      super(null, null, false, false);
    }
  }
}
