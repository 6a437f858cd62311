package io.halfmsg.demo.order;

import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The business rules that refuse an order: an unknown product, or too many at once. */
@Component
class OrderRules {

  private final Set<String> products;
  private final int maxQuantity;

  OrderRules(
      @Value("${demo.order.products}") List<String> products,
      @Value("${demo.order.max-quantity:5}") int maxQuantity) {
    this.products = Set.copyOf(products);
    this.maxQuantity = maxQuantity;
  }

  /**
   * @throws OrderRefusedException if the order breaks a rule
   */
  void check(String orderNo, String product, int quantity, String messageId) {
    if (!products.contains(product)) {
      throw new OrderRefusedException(
          "unknown-product", "Unknown product", "No product '" + product + "'", orderNo, messageId);
    }
    if (quantity > maxQuantity) {
      throw new OrderRefusedException(
          "quantity-over-limit",
          "Quantity over limit",
          "At most " + maxQuantity + " of a product per order, not " + quantity,
          orderNo,
          messageId);
    }
  }
}
