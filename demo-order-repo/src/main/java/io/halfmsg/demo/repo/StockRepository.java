package io.halfmsg.demo.repo;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

@Repository
class StockRepository {

  private static final String RECORD_DEDUCTION =
      "INSERT INTO stock_deduction (message_id, order_no, product, quantity) VALUES (?, ?, ?, ?)";

  private static final String DEDUCT =
      """
      UPDATE stock SET available = available - ?, deducted = deducted + ?
      WHERE product = ? AND available >= ?
      """;

  private static final String ALL =
      "SELECT product, available, deducted FROM stock ORDER BY product";

  private static final String ONE =
      "SELECT product, available, deducted FROM stock WHERE product = ?";

  private static final RowMapper<Stock> STOCK =
      (rs, n) -> new Stock(rs.getString("product"), rs.getInt("available"), rs.getInt("deducted"));

  private final JdbcTemplate jdbc;

  StockRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Takes {@code d.quantity()} of the product, in the caller's transaction.
   *
   * @throws IllegalStateException if the product is unknown or there is not enough of it
   */
  void deduct(String messageId, Deduction d) {
    jdbc.update(RECORD_DEDUCTION, messageId, d.orderNo(), d.product(), d.quantity());
    int updated = jdbc.update(DEDUCT, d.quantity(), d.quantity(), d.product(), d.quantity());
    if (updated != 1) {
      throw new IllegalStateException(
          "Cannot take " + d.quantity() + " of '" + d.product() + "' for order " + d.orderNo());
    }
  }

  List<Stock> all() {
    return jdbc.query(ALL, STOCK);
  }

  Optional<Stock> find(String product) {
    return jdbc.query(ONE, STOCK, product).stream().findFirst();
  }
}
