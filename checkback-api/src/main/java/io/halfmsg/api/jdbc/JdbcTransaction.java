package io.halfmsg.api.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One plain JDBC transaction: auto-commit off, commit or roll back, restore, close. */
public final class JdbcTransaction {

  private JdbcTransaction() {}

  /** Work done with the connection of the transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws Exception;
  }

  /**
   * Runs {@code work} on a connection of its own from {@code dataSource} and commits; if it throws
   * (an {@link Error} too), rolls back and rethrows. The connection goes back with the auto-commit
   * it came with.
   */
  public static <T> T run(DataSource dataSource, Work<T> work) throws Exception {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (Exception | Error e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      } finally {
        restoreAutoCommit(c, autoCommit);
      }
    }
  }

  /**
   * Sets auto-commit back after work on a borrowed connection, without failing: the connection is
   * closed next, and a pool resets auto-commit anyway.
   */
  public static void restoreAutoCommit(Connection c, boolean autoCommit) {
    try {
      c.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      // A broken connection: it is closed next, and a pool resets auto-commit anyway. Failing
      // here would hide the outcome (or the exception) of the transaction itself.
    }
  }
}
