package io.halfmsg.producer.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.producer.barrier.BarrierTable;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The producer application's own database: a pool, the barrier table and a business table, {@code
 * t_order(order_no, message_id)}.
 */
public final class ProducerDatabase implements AutoCloseable {

  private final HikariDataSource dataSource;
  private final BarrierTable barrier = new BarrierTable();

  public ProducerDatabase(TestDatabase db) throws SQLException {
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(db.jdbcUrl());
    dataSource.setUsername(db.user());
    dataSource.setPassword(db.password());
    dataSource.setMaximumPoolSize(10);
    dataSource.setPoolName("producer-app");
    barrier.create(dataSource);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS t_order (order_no VARCHAR(64) NOT NULL PRIMARY KEY,"
              + " message_id VARCHAR(64) NOT NULL) ENGINE = InnoDB");
    }
  }

  public HikariDataSource dataSource() {
    return dataSource;
  }

  public BarrierTable barrier() {
    return barrier;
  }

  /** The business change of the tests' local transactions. */
  public static void insertOrder(Connection c, String orderNo, String messageId)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO t_order (order_no, message_id) VALUES (?, ?)")) {
      ps.setString(1, orderNo);
      ps.setString(2, messageId);
      ps.executeUpdate();
    }
  }

  public boolean orderExists(String orderNo) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT 1 FROM t_order WHERE order_no = ?")) {
      ps.setString(1, orderNo);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The barrier row's state ({@code COMMIT} or {@code ROLLBACK}), if there is a row. */
  public Optional<String> barrierState(String messageId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT state FROM " + barrier.name() + " WHERE message_id = ?")) {
      ps.setString(1, messageId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Whether some transaction of this database is waiting for a row lock right now. */
  public boolean someoneWaitsForALock() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*) FROM information_schema.INNODB_TRX t"
                    + " JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
                    + " WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()")) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
