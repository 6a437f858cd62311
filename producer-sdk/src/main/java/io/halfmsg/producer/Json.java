package io.halfmsg.producer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The SDK's own JSON mapping of wire DTOs; lenient on input so newer brokers can add fields. */
final class Json {

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL, true);

  private Json() {}

  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of a top-level field of a JSON object, or {@code null} if there is none. */
  static String field(String json, String name) {
    if (json == null || json.isEmpty()) {
      return null;
    }
    try {
      JsonNode node = MAPPER.readTree(json).get(name);
      return node == null || node.isNull() ? null : node.asText();
    } catch (IOException e) {
      return null;
    }
  }
}
