package io.halfmsg.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The seed's order-service / repo-service example: the producer inserts the order, the consumer
 * deducts one unit of the product's stock ({@value OrderEvent#PRODUCTS} products).
 */
final class OrderWorkload implements Workload {

  static final String INSERT_ORDER =
      "INSERT INTO bench_order (order_no, product, amount, created_at) VALUES (?, ?, ?, ?)";
  static final String DEDUCT_STOCK =
      "UPDATE bench_stock SET quantity = quantity - ? WHERE product = ?";

  @Override
  public String name() {
    return "order";
  }

  @Override
  public boolean usesDatabase() {
    return true;
  }

  @Override
  public void localTransaction(Connection c, OrderEvent order) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT_ORDER)) {
      ps.setString(1, order.orderNo());
      ps.setString(2, order.product());
      ps.setInt(3, order.amount());
      ps.setObject(4, LocalDateTime.now(ZoneOffset.UTC));
      ps.executeUpdate();
    }
  }

  @Override
  public void handle(Connection c, OrderEvent order) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DEDUCT_STOCK)) {
      ps.setInt(1, order.amount());
      ps.setString(2, order.product());
      if (ps.executeUpdate() != 1) {
        throw new SQLException("No stock row for " + order.product());
      }
    }
  }
}
