package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcTransactionsTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  /**
   * The connection dies under the handler (the server killed it): the handler's failure is what the
   * caller sees, not the failed rollback or the failed reset of auto-commit after it.
   */
  @Test
  void aConnectionThatDiesUnderTheHandlerReportsTheHandlersFailure() throws Exception {
    try (HikariDataSource dataSource = TestStack.dataSource(db)) {
      SQLException handlerFailure = new SQLException("the handler's own failure");
      Throwable thrown =
          catchThrowable(
              () ->
                  LocalTransactions.jdbc(dataSource)
                      .execute(
                          c -> {
                            kill(connectionId(c));
                            try (Statement s = c.createStatement()) {
                              s.executeQuery("SELECT 1").close();
                            } catch (SQLException dead) {
                              handlerFailure.initCause(dead);
                            }
                            throw handlerFailure;
                          }));

      assertThat(thrown).isSameAs(handlerFailure);
    }
  }

  private static long connectionId(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void kill(long connectionId) throws SQLException {
    try (Connection other = db.connect();
        Statement s = other.createStatement()) {
      s.execute("KILL CONNECTION " + connectionId);
    }
  }
}
