package io.halfmsg.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class CheckBackAnswersTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"state\":\"COMMIT\"}",
        " \t\r\n{ \"state\" : \"COMMIT\" } \n",
        "{\n  \"state\": \"COMMIT\"\n}\n",
        "{\"state\":\"COMMIT\",\"note\":\"x\"}",
        "{\"note\":\"x\",\"state\":\"COMMIT\"}",
        "{\"a\":[1,-2.5e+3,true,false,null,{\"b\":[]}],\"state\":\"COMMIT\",\"c\":{}}",
        "{\"nested\":{\"state\":\"ROLLBACK\"},\"state\":\"COMMIT\"}",
        "{\"st\\u0061te\":\"\\u0043OMMIT\"}",
      })
  void commitOnlyForAnExactCommitState(String body) {
    assertThat(CheckBackAnswers.fromHttpResponse(200, body)).isEqualTo(TransactionState.COMMIT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"state\":\"ROLLBACK\"}",
        "{ \"state\" : \"ROLLBACK\" , \"reason\" : \"no order row\" }",
      })
  void rollbackForAnExactRollbackState(String body) {
    assertThat(CheckBackAnswers.fromHttpResponse(200, body)).isEqualTo(TransactionState.ROLLBACK);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"state\":\"UNKNOWN\"}",
        // not an answer at all
        "",
        " ",
        "garbage",
        "<html>502 Bad Gateway</html>",
        "COMMIT",
        "\"COMMIT\"",
        "[\"COMMIT\"]",
        "[{\"state\":\"COMMIT\"}]",
        "null",
        // no usable state
        "{}",
        "{\"note\":\"COMMIT\"}",
        "{\"State\":\"COMMIT\"}",
        "{\"state \":\"COMMIT\"}",
        "{\"nested\":{\"state\":\"COMMIT\"}}",
        "{\"state\":null}",
        "{\"state\":1}",
        "{\"state\":true}",
        "{\"state\":[\"COMMIT\"]}",
        "{\"state\":{\"value\":\"COMMIT\"}}",
        // a state string that is not exactly COMMIT or ROLLBACK
        "{\"state\":\"commit\"}",
        "{\"state\":\"Commit\"}",
        "{\"state\":\" COMMIT\"}",
        "{\"state\":\"COMMIT \"}",
        "{\"state\":\"COMMITTED\"}",
        "{\"state\":\"COMMIT_MESSAGE\"}",
        "{\"state\":\"\"}",
        // ambiguous
        "{\"state\":\"COMMIT\",\"state\":\"ROLLBACK\"}",
        "{\"state\":\"ROLLBACK\",\"state\":\"COMMIT\"}",
        "{\"state\":\"COMMIT\",\"state\":\"COMMIT\"}",
        "{\"state\":\"UNKNOWN\",\"state\":\"COMMIT\"}",
        // truncated or followed by more
        "{\"state\":\"COMMIT\"",
        "{\"state\":\"COMMIT",
        "{\"state\":\"COMMIT\"}}",
        "{\"state\":\"COMMIT\"} x",
        "{\"state\":\"COMMIT\"}{\"state\":\"COMMIT\"}",
        "{\"state\":\"COMMIT\"},",
        // not JSON, even if lenient parsers take it
        "{'state':'COMMIT'}",
        "{state:\"COMMIT\"}",
        "{\"state\":\"COMMIT\",}",
        "{,\"state\":\"COMMIT\"}",
        "{\"state\"=\"COMMIT\"}",
        "{\"state\":\"COMMIT\" \"note\":\"x\"}",
        "\uFEFF{\"state\":\"COMMIT\"}",
        "{\"state\":\"COMMIT\",\"n\":01}",
        "{\"state\":\"COMMIT\",\"n\":NaN}",
        "{\"state\":\"COMMIT\",\"n\":tru}",
        "{\"state\":\"COMMIT\",\"n\":\"a\\x\"}",
        "{\"state\":\"COMMIT\",\"n\":\"tab\there\"}",
        "{\"state\":\"COMMIT\"/* comment */}",
      })
  void unknownForEverythingElse(String body) {
    assertThat(CheckBackAnswers.fromHttpResponse(200, body)).isEqualTo(TransactionState.UNKNOWN);
  }

  @ParameterizedTest
  @NullSource
  void unknownWithoutBody(String body) {
    assertThat(CheckBackAnswers.fromHttpResponse(200, body)).isEqualTo(TransactionState.UNKNOWN);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 100, 201, 202, 204, 301, 302, 304, 400, 401, 404, 409, 500, 502, 503})
  void unknownForAnyStatusButOk(int status) {
    assertThat(CheckBackAnswers.fromHttpResponse(status, "{\"state\":\"COMMIT\"}"))
        .isEqualTo(TransactionState.UNKNOWN);
    assertThat(CheckBackAnswers.fromHttpResponse(status, "{\"state\":\"ROLLBACK\"}"))
        .isEqualTo(TransactionState.UNKNOWN);
  }

  @Test
  void unknownForOversizedBody() {
    String padding = " ".repeat(CheckBackAnswers.MAX_BODY_CHARS);
    assertThat(CheckBackAnswers.fromHttpResponse(200, "{\"state\":\"COMMIT\"}" + padding))
        .isEqualTo(TransactionState.UNKNOWN);
  }

  @Test
  void unknownForDeeplyNestedMembersInsteadOfOverflowingTheStack() {
    String deep = "[".repeat(30_000) + "]".repeat(30_000);
    String body = "{\"x\":" + deep + ",\"state\":\"COMMIT\"}";
    assertThat(body.length()).isLessThanOrEqualTo(CheckBackAnswers.MAX_BODY_CHARS);

    assertThat(CheckBackAnswers.fromHttpResponse(200, body)).isEqualTo(TransactionState.UNKNOWN);
  }

  @ParameterizedTest
  @EnumSource(TransactionState.class)
  void writtenAnswersReadBack(TransactionState state) {
    String json = CheckBackAnswers.toJson(state);

    assertThat(json).isEqualTo("{\"state\":\"" + state.name() + "\"}");
    assertThat(CheckBackAnswers.fromHttpResponse(200, json)).isEqualTo(state);
  }

  @Test
  void nullIsWrittenAsUnknown() {
    assertThat(CheckBackAnswers.toJson(null)).isEqualTo("{\"state\":\"UNKNOWN\"}");
  }
}
