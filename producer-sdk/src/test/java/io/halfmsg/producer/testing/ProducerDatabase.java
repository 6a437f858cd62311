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
import java.util.UUID;

/**
 * The producer application's own database — MariaDB (a {@link TestDatabase}) or an in-memory H2 in
 * MySQL mode: a pool, the barrier table and a business table, {@code t_order(order_no,
 * message_id)}.
 */
public final class ProducerDatabase implements AutoCloseable {

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final boolean h2;
  private final HikariDataSource dataSource;
  private final BarrierTable barrier = new BarrierTable();

  public ProducerDatabase(TestDatabase db) throws SQLException {
    this(db.jdbcUrl(), db.user(), db.password());
  }

  /** A fresh in-memory H2 database in MySQL mode, as the standalone demo runs its services on. */
  public static ProducerDatabase h2() throws SQLException {
    return new ProducerDatabase(
        "jdbc:h2:mem:producer-"
            + UUID.randomUUID()
            + ";DB_CLOSE_DELAY=-1;MODE=MySQL;DATABASE_TO_LOWER=TRUE",
        "sa",
        "");
  }

  private ProducerDatabase(String jdbcUrl, String user, String password) throws SQLException {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.h2 = jdbcUrl.startsWith("jdbc:h2:");
    dataSource = pool(10);
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

  /** Another pool on the same database. */
  public HikariDataSource pool(int size) {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(jdbcUrl);
    pool.setUsername(user);
    pool.setPassword(password);
    pool.setMaximumPoolSize(size);
    pool.setPoolName("producer-app");
    return pool;
  }

  /** The session's lock wait setting on a connection of {@code pool}, in the database's unit. */
  public long sessionLockWait(HikariDataSource pool) throws SQLException {
    String sql = h2 ? "SELECT LOCK_TIMEOUT()" : "SELECT @@SESSION.innodb_lock_wait_timeout";
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
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
    return lockWaiters() > 0;
  }

  /**
   * How many transactions of this database are waiting for a row lock right now. H2 does not show
   * row-lock waits, so there: how many sessions are inside a barrier marker insert (the statement
   * that waits).
   */
  public int lockWaiters() throws SQLException {
    String sql =
        h2
            ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS"
                + " WHERE EXECUTING_STATEMENT LIKE 'INSERT IGNORE INTO %'"
            : "SELECT COUNT(*) FROM information_schema.INNODB_TRX t"
                + " JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
                + " WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()";
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
