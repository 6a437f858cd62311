package io.halfmsg.demo.order;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

@Repository
class OrderRepository {

  private static final String INSERT =
      """
      INSERT INTO t_order (order_no, product, quantity, message_id, created_at)
      VALUES (?, ?, ?, ?, ?)
      """;

  private static final String FIND =
      """
      SELECT order_no, product, quantity, message_id, created_at FROM t_order WHERE order_no = ?
      """;

  private final JdbcTemplate jdbc;
  private final Clock clock;

  OrderRepository(JdbcTemplate jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** Inserts the order; a duplicate order number fails with {@code DuplicateKeyException}. */
  void insert(String orderNo, String product, int quantity, String messageId) {
    jdbc.update(
        INSERT,
        orderNo,
        product,
        quantity,
        messageId,
        LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
  }

  Optional<Order> find(String orderNo) {
    return jdbc.query(FIND, (rs, n) -> order(rs), orderNo).stream().findFirst();
  }

  // Times are stored as UTC wall-clock values, whatever the JVM's or the session's time zone.
  private static Order order(ResultSet rs) throws SQLException {
    return new Order(
        rs.getString("order_no"),
        rs.getString("product"),
        rs.getInt("quantity"),
        rs.getString("message_id"),
        rs.getObject("created_at", LocalDateTime.class).toInstant(ZoneOffset.UTC));
  }
}
