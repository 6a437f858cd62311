package io.halfmsg.demo.order;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.producer.Message;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The one place that builds an order's {@code repo_deduction} message: the deduction as JSON, the
 * order number as RocketMQ keys, and the sharding key {@code demo.order.sharding-key} asks for.
 *
 * <p>{@code none} (the default) sends unordered messages. {@code product} sends each with its
 * product as sharding key, so repo-service applies the deductions of one product in the order they
 * were prepared and the next one only after the one ahead of it was acked (the chaos test checks
 * this order).
 */
@Component
class DeductionMessages {

  private final ObjectMapper json;
  private final boolean byProduct;

  DeductionMessages(
      ObjectMapper json, @Value("${demo.order.sharding-key:none}") String shardingKey) {
    this.json = json;
    this.byProduct =
        switch (shardingKey.trim().toLowerCase(Locale.ROOT)) {
          case "none" -> false;
          case "product" -> true;
          default ->
              throw new IllegalArgumentException(
                  "demo.order.sharding-key must be none or product, not " + shardingKey);
        };
  }

  Message of(Deduction deduction) {
    return Message.builder(Deduction.TOPIC)
        .keys(deduction.orderNo())
        .body(write(deduction))
        .shardingKey(byProduct ? deduction.product() : null)
        .build();
  }

  private byte[] write(Deduction deduction) {
    try {
      return json.writeValueAsBytes(deduction);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
