package io.halfmsg.broker.checkback;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.halfmsg.api.TransactionState;
import java.io.IOException;

/**
 * Reads a producer's answer to a check-back. Unforgiving on purpose: a wrong COMMIT delivers a
 * message whose local transaction never happened, a wrong UNKNOWN only costs another check. So only
 * a 200 whose body is one JSON object with a single string member {@code "state"} equal to {@code
 * "COMMIT"} or {@code "ROLLBACK"} decides anything.
 */
final class CheckBackAnswerParser {

  private static final ObjectReader READER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .reader();

  private CheckBackAnswerParser() {}

  static TransactionState parse(int status, byte[] body) {
    if (status != 200 || body == null || body.length == 0) {
      return TransactionState.UNKNOWN;
    }
    try {
      JsonNode answer = READER.readTree(body);
      JsonNode state = answer == null || !answer.isObject() ? null : answer.get("state");
      if (state == null || !state.isTextual()) {
        return TransactionState.UNKNOWN;
      }
      return switch (state.textValue()) {
        case "COMMIT" -> TransactionState.COMMIT;
        case "ROLLBACK" -> TransactionState.ROLLBACK;
        default -> TransactionState.UNKNOWN;
      };
    } catch (IOException e) {
      return TransactionState.UNKNOWN;
    }
  }
}
