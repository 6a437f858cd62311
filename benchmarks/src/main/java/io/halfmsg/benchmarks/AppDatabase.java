package io.halfmsg.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.producer.barrier.BarrierTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The application's database and its two pools, shared by both modes (they never run at once): one
 * for the producer side (local transactions, check-backs), one for the consumer side (one
 * connection per consume thread). Tables: orders, stock, halfmsg's barrier and dedupe tables as
 * shipped with the SDKs, and the dedupe table a native RocketMQ user writes by hand (the same shape
 * as halfmsg's).
 */
final class AppDatabase implements AutoCloseable {

  static final String NATIVE_DEDUPE =
      "INSERT INTO native_consumed (consumer_group, message_key, consumed_at) VALUES (?, ?, ?)";
  static final String ORDER_EXISTS = "SELECT 1 FROM bench_order WHERE order_no = ?";

  /**
   * The Connector/J settings the broker ships with (and HikariCP recommends): the application side
   * gets the same, so neither mode is slowed by its driver settings.
   */
  static final String[][] DRIVER_SETTINGS = {
    {"cachePrepStmts", "true"},
    {"prepStmtCacheSize", "250"},
    {"prepStmtCacheSqlLimit", "2048"},
    {"useServerPrepStmts", "true"},
    {"useLocalSessionState", "true"},
    {"rewriteBatchedStatements", "true"},
    {"cacheResultSetMetadata", "true"},
    {"cacheServerConfiguration", "true"},
    {"elideSetAutoCommits", "true"},
    {"maintainTimeStats", "false"}
  };

  private static final String CONSUMED_DDL = "io/halfmsg/consumer/halfmsg_consumed-mysql.sql";

  private final HikariDataSource producerPool;
  private final HikariDataSource consumerPool;

  AppDatabase(BenchDatabases db, BenchSettings s) throws SQLException {
    producerPool = pool("bench-producer", db, s.producerPool());
    consumerPool = pool("bench-consumer", db, s.consumerPool());
    createSchema();
  }

  DataSource producerPool() {
    return producerPool;
  }

  DataSource consumerPool() {
    return consumerPool;
  }

  /** Orders the local transactions committed. */
  long orders() throws SQLException {
    return count("SELECT COUNT(*) FROM bench_order", null);
  }

  /** Dedupe rows of a consumer group: messages it applied, each once. */
  long consumed(String mode, String group) throws SQLException {
    return count(
        mode.equals("native")
            ? "SELECT COUNT(*) FROM native_consumed WHERE consumer_group = ?"
            : "SELECT COUNT(*) FROM halfmsg_consumed WHERE consumer_group = ?",
        group);
  }

  private long count(String sql, String group) throws SQLException {
    try (Connection c = producerPool.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      if (group != null) {
        ps.setString(1, group);
      }
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void createSchema() throws SQLException {
    try (Connection c = producerPool.getConnection();
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE bench_order (order_no VARCHAR(64) NOT NULL PRIMARY KEY, product"
              + " VARCHAR(16) NOT NULL, amount INT NOT NULL, created_at DATETIME(6) NOT NULL)"
              + " ENGINE=InnoDB");
      st.execute(
          "CREATE TABLE bench_stock (product VARCHAR(16) NOT NULL PRIMARY KEY, quantity BIGINT NOT"
              + " NULL) ENGINE=InnoDB");
      st.execute(
          "CREATE TABLE native_consumed (consumer_group VARCHAR(127) NOT NULL, message_key"
              + " VARCHAR(64) NOT NULL, consumed_at DATETIME(6) NOT NULL, PRIMARY KEY"
              + " (consumer_group, message_key), KEY idx_native_consumed_at (consumed_at))"
              + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
      st.execute(resource(CONSUMED_DDL));
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO bench_stock (product, quantity) VALUES (?, ?)")) {
        for (int i = 0; i < OrderEvent.PRODUCTS; i++) {
          ps.setString(1, OrderEvent.product(i));
          ps.setLong(2, 1_000_000_000L);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    new BarrierTable().create(producerPool);
  }

  private static String resource(String name) {
    try (InputStream in = AppDatabase.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + name);
      }
      StringBuilder sql = new StringBuilder();
      new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.startsWith("--"))
          .forEach(l -> sql.append(l).append('\n'));
      return sql.toString().trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HikariDataSource pool(String name, BenchDatabases db, int size) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(db.appUrl());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(size);
    for (String[] kv : DRIVER_SETTINGS) {
      config.addDataSourceProperty(kv[0], kv[1]);
    }
    return new HikariDataSource(config);
  }

  @Override
  public void close() {
    producerPool.close();
    consumerPool.close();
  }
}
