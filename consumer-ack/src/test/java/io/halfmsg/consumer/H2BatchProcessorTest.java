package io.halfmsg.consumer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The batch transaction on H2 in MySQL mode, where the standalone demo runs its consumer: the
 * shipped DDL, the multi-row {@code INSERT IGNORE} and its update count behave as on MariaDB.
 */
class H2BatchProcessorTest extends BatchProcessorTest {

  @Override
  HikariDataSource openDataSource() {
    HikariConfig config = new HikariConfig();
    // The standalone demo's settings (StandaloneDemo).
    config.setJdbcUrl(
        "jdbc:h2:mem:consumer-"
            + UUID.randomUUID()
            + ";DB_CLOSE_DELAY=-1;MODE=MySQL;DATABASE_TO_LOWER=TRUE");
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(10);
    return new HikariDataSource(config);
  }

  /** H2 names no blocker for a row lock: a dedupe insert still running is one waiting for it. */
  @Override
  int lockWaits() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*) FROM information_schema.sessions WHERE session_state = 'RUNNING'"
                    + " AND executing_statement LIKE 'INSERT IGNORE INTO halfmsg_consumed%'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
