package io.halfmsg.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * The message body of every workload: an order for one unit of a product, padded to the configured
 * body size. Both modes send and parse it with Jackson, as their users would.
 */
record OrderEvent(String orderNo, String product, int amount, String pad) {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Products the stock table holds: consumers deduct from these rows, so they contend a little. */
  static final int PRODUCTS = 100;

  static OrderEvent of(String orderNo, long sequence, int bodyBytes) {
    String product = product((int) (sequence % PRODUCTS));
    OrderEvent unpadded = new OrderEvent(orderNo, product, 1, "");
    int missing = Math.max(0, bodyBytes - unpadded.toJson().length);
    return new OrderEvent(orderNo, product, 1, "x".repeat(missing));
  }

  static String product(int i) {
    return String.format("p-%03d", i);
  }

  byte[] toJson() {
    try {
      return JSON.writeValueAsString(this).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static OrderEvent fromJson(byte[] body) {
    try {
      return JSON.readValue(body, OrderEvent.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Not an order event", e);
    }
  }
}
