package io.halfmsg.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** The producer's local transaction in both paths: insert one order row and commit. */
final class LocalTransactions implements AutoCloseable {

  private final HikariDataSource dataSource;

  LocalTransactions(TestDatabase db) throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(40);
    config.addDataSourceProperty("cachePrepStmts", "true");
    config.addDataSourceProperty("useServerPrepStmts", "true");
    dataSource = new HikariDataSource(config);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE bench_order (order_no VARCHAR(64) PRIMARY KEY, amount INT NOT NULL)"
              + " ENGINE=InnoDB");
    }
  }

  void insertOrder(String orderNo) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("INSERT INTO bench_order (order_no, amount) VALUES (?, 1)")) {
      s.setString(1, orderNo);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
