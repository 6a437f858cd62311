package io.halfmsg.consumer;

import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The consumer's own database in a test class: a fresh test database with a small pool on it, both
 * gone after the class; with the {@code effect} table the tests' handlers write, and the queries
 * they check a consumer's work by. Register it as a static field.
 */
public final class AppDatabase implements AfterAllCallback {

  private final TestDatabase db = new TestDatabase();
  private HikariDataSource pool;

  /** The pool, made on first use. */
  public synchronized HikariDataSource dataSource() {
    if (pool == null) {
      pool = TestStack.dataSource(db);
    }
    return pool;
  }

  /**
   * Creates {@code effect}: one row per group and message a handler applied, {@code n} the number
   * of applications (a handler adds 1 on a duplicate key), {@code seq} their order.
   */
  public void createEffectTable() {
    execute(
        "CREATE TABLE effect (seq BIGINT AUTO_INCREMENT PRIMARY KEY, consumer_group VARCHAR(127)"
            + " NOT NULL, message_id VARCHAR(64) NOT NULL, n INT NOT NULL,"
            + " UNIQUE KEY (consumer_group, message_id))");
  }

  /** Runs a statement of the test's own, such as DDL. */
  public void execute(String sql) {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How often the group applied the message: {@code n} of its effect row, 0 without one. */
  public int effect(String group, String messageId) {
    return count(
        "SELECT n FROM effect WHERE consumer_group = ? AND message_id = ?", group, messageId);
  }

  /** Whether the group's dedupe row of the message is there (committed). */
  public boolean dedupeRow(String group, String messageId) {
    return count(
            "SELECT COUNT(*) FROM halfmsg_consumed WHERE consumer_group = ? AND message_id = ?",
            group,
            messageId)
        == 1;
  }

  /** The group's dedupe rows. */
  public int dedupeRows(String group) {
    return count("SELECT COUNT(*) FROM halfmsg_consumed WHERE consumer_group = ?", group);
  }

  /** A row of a query's result. */
  public interface Row {
    void read(ResultSet rs) throws SQLException;
  }

  /** Runs a query of the test's own and hands each row to {@code row}. */
  public void query(String sql, Row row, String... parameters) {
    try (Connection c = dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setString(i + 1, parameters[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          row.read(rs);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private int count(String sql, String... parameters) {
    try (Connection c = dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setString(i + 1, parameters[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (pool != null) {
      pool.close();
      pool = null;
    }
    db.afterAll(context);
  }
}
