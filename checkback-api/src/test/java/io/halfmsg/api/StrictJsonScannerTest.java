package io.halfmsg.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonScannerTest {

  private static String state(String json) {
    return StrictJsonScanner.uniqueTopLevelString(json, "state");
  }

  @Test
  void unescapesNamesAndValues() {
    assertThat(state("{\"state\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20AC\"}"))
        .isEqualTo("a\"b\\c/d\b\f\n\r\t\u00e9\u20ac");
    assertThat(state("{\"\\u0073tate\":\"x\"}")).isEqualTo("x");
  }

  @Test
  void keepsNonAsciiText() {
    assertThat(state("{\"note\":\"已提交\",\"state\":\"成功\"}")).isEqualTo("成功");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-0",
        "1",
        "-12",
        "1.5",
        "-0.25",
        "1e3",
        "1E+3",
        "1e-3",
        "12.50E10",
        "true",
        "false",
        "null",
        "\"\"",
        "[]",
        "[ ]",
        "{}",
        "{ }",
        "[1, [2, [3]], {\"a\": {\"b\": null}}]",
      })
  void skipsAnyValidValueOfAnotherMember(String value) {
    assertThat(state("{\"other\":" + value + ",\"state\":\"ok\"}")).isEqualTo("ok");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01",
        "-",
        "+1",
        "1.",
        ".5",
        "1e",
        "1e+",
        "0x10",
        "Infinity",
        "True",
        "nul",
        "'x'",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "\"\\uＡＡＡＡ\"",
        "\"\\a\"",
        "[1,]",
        "[,1]",
        "[1 2]",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\":1,}",
        "{1:2}",
        "",
      })
  void rejectsInvalidValuesAnywhere(String value) {
    assertThat(state("{\"other\":" + value + ",\"state\":\"ok\"}")).isNull();
  }

  @Test
  void rejectsControlCharactersInStrings() {
    assertThat(state("{\"state\":\"a\u0001b\"}")).isNull();
    assertThat(state("{\"state\":\"a\nb\"}")).isNull();
    assertThat(state("{\"state\":\"a\\nb\"}")).isEqualTo("a\nb");
  }

  @Test
  void limitsNesting() {
    int allowed = StrictJsonScanner.MAX_DEPTH;
    String ok = "[".repeat(allowed) + "]".repeat(allowed);
    String tooDeep = "[".repeat(allowed + 1) + "]".repeat(allowed + 1);

    assertThat(state("{\"x\":" + ok + ",\"state\":\"ok\"}")).isEqualTo("ok");
    assertThat(state("{\"x\":" + tooDeep + ",\"state\":\"ok\"}")).isNull();
  }
}
