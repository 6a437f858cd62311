package io.halfmsg.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/** Plain JDBC transactions: auto-commit off, commit or roll back, restore, close. */
final class JdbcTransactions implements LocalTransactions {

  private final DataSource dataSource;

  JdbcTransactions(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public <T> T execute(Work<T> work) throws Exception {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (Exception | Error e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        // A pooled connection goes back as it came.
        c.setAutoCommit(autoCommit);
      }
    }
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
