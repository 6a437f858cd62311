package io.halfmsg.producer.barrier;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;

/**
 * What differs between the databases the barrier runs on: how a session's lock wait is set and
 * restored, and which error codes mean "duplicate key", "lock wait timed out" and "deadlock". The
 * SQL of the barrier itself ({@code INSERT IGNORE}, the DDL) is the same on both.
 */
enum BarrierDialect {
  /** MySQL and MariaDB with InnoDB: a whole-second session variable. */
  MYSQL(1062, 1205, 1213) {
    @Override
    long lockWait(Connection c) throws SQLException {
      return queryLong(c, "SELECT @@SESSION.innodb_lock_wait_timeout");
    }

    @Override
    void setLockWait(Connection c, long value) throws SQLException {
      // The session variable, not a per-statement hint: MySQL has no SET STATEMENT.
      execute(c, "SET SESSION innodb_lock_wait_timeout = " + value);
    }

    @Override
    long lockWaitValue(Duration wait) {
      // InnoDB's unit is the second: round up, at least 1.
      return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
  },

  /**
   * H2 (any mode): a millisecond session setting. For development and tests — the standalone demo
   * runs its services on H2 in MySQL mode.
   */
  H2(23505, 50200, 40001) {
    @Override
    long lockWait(Connection c) throws SQLException {
      return queryLong(c, "SELECT LOCK_TIMEOUT()");
    }

    @Override
    void setLockWait(Connection c, long value) throws SQLException {
      execute(c, "SET LOCK_TIMEOUT " + value);
    }

    @Override
    long lockWaitValue(Duration wait) {
      return Math.max(1, wait.toMillis());
    }
  };

  private final int duplicateKey;
  private final int lockWaitTimeout;
  private final int deadlock;

  BarrierDialect(int duplicateKey, int lockWaitTimeout, int deadlock) {
    this.duplicateKey = duplicateKey;
    this.lockWaitTimeout = lockWaitTimeout;
    this.deadlock = deadlock;
  }

  /** The dialect of the database {@code c} is connected to. */
  static BarrierDialect of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("mysql") || product.contains("mariadb")) {
      return MYSQL;
    }
    if (product.equals("h2")) {
      return H2;
    }
    throw new SQLException(
        "The halfmsg barrier table runs on MySQL, MariaDB or H2, not on " + product);
  }

  /** The session's current lock wait, in this database's unit. */
  abstract long lockWait(Connection c) throws SQLException;

  /** Sets the session's lock wait, in this database's unit (see {@link #lockWaitValue}). */
  abstract void setLockWait(Connection c, long value) throws SQLException;

  /** {@code wait} in this database's unit. */
  abstract long lockWaitValue(Duration wait);

  boolean isDuplicateKey(SQLException e) {
    return e.getErrorCode() == duplicateKey;
  }

  boolean isLockWaitTimeout(SQLException e) {
    return e.getErrorCode() == lockWaitTimeout;
  }

  boolean isDeadlock(SQLException e) {
    return e.getErrorCode() == deadlock;
  }

  private static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
