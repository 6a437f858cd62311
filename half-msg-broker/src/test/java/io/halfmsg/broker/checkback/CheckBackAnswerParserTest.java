package io.halfmsg.broker.checkback;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.api.TransactionState;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class CheckBackAnswerParserTest {

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
    assertThat(parse(200, body)).isEqualTo(TransactionState.COMMIT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"state\":\"ROLLBACK\"}",
        "{ \"state\" : \"ROLLBACK\" , \"reason\" : \"no order row\" }",
      })
  void rollbackForAnExactRollbackState(String body) {
    assertThat(parse(200, body)).isEqualTo(TransactionState.ROLLBACK);
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
        "{\"state\":\"COMMIT\",\"n\":01}",
        "{\"state\":\"COMMIT\",\"n\":NaN}",
        "{\"state\":\"COMMIT\",\"n\":tru}",
        "{\"state\":\"COMMIT\",\"n\":\"a\\x\"}",
        "{\"state\":\"COMMIT\",\"n\":\"tab\there\"}",
        "{\"state\":\"COMMIT\"/* comment */}",
      })
  void unknownForEverythingElse(String body) {
    assertThat(parse(200, body)).isEqualTo(TransactionState.UNKNOWN);
  }

  @ParameterizedTest
  @NullSource
  void unknownWithoutBody(String body) {
    assertThat(parse(200, body)).isEqualTo(TransactionState.UNKNOWN);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 100, 201, 202, 204, 301, 302, 304, 400, 401, 404, 409, 500, 502, 503})
  void unknownForAnyStatusButOk(int status) {
    assertThat(parse(status, "{\"state\":\"COMMIT\"}")).isEqualTo(TransactionState.UNKNOWN);
    assertThat(parse(status, "{\"state\":\"ROLLBACK\"}")).isEqualTo(TransactionState.UNKNOWN);
  }

  private static TransactionState parse(int status, String body) {
    return CheckBackAnswerParser.parse(
        status, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }
}
