package io.halfmsg.consumer;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Converts a message body to a handler's payload type: JSON, except for String and byte[]. */
final class PayloadReader {

  private final ObjectMapper json;

  PayloadReader(ObjectMapper json) {
    this.json = json;
  }

  JavaType type(java.lang.reflect.Type type) {
    return json.constructType(type);
  }

  Object read(byte[] body, JavaType type) throws IOException {
    Class<?> raw = type.getRawClass();
    if (raw == byte[].class) {
      return body;
    }
    if (raw == String.class) {
      return new String(body, StandardCharsets.UTF_8);
    }
    return json.readValue(body, type);
  }
}
