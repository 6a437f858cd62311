package io.halfmsg.producer.barrier;

import io.halfmsg.api.TransactionState;
import io.halfmsg.api.jdbc.JdbcTransaction;
import io.halfmsg.api.jdbc.SdkTable;
import io.halfmsg.producer.LocalTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The barrier table (MySQL / MariaDB with InnoDB; H2 for development and tests): one row per
 * message, written by the local transaction, from which a {@link BarrierTransactionChecker} answers
 * check-backs without application code.
 *
 * <p>Write the row with {@link #insert} in the same transaction as the business change (or let
 * {@link #inTransaction} do it). It then exists exactly when that transaction committed. The DDL is
 * the resource {@value #DDL_RESOURCE}; {@link #create} runs it.
 */
public final class BarrierTable {

  /** The table name unless configured otherwise. */
  public static final String DEFAULT_NAME = "halfmsg_barrier";

  /** Class path resource with the MySQL DDL. */
  public static final String DDL_RESOURCE = "io/halfmsg/producer/barrier/halfmsg_barrier-mysql.sql";

  static final String COMMIT = "COMMIT";
  static final String ROLLBACK = "ROLLBACK";

  private final String name;
  private final Clock clock;
  private final String insert;
  private final String insertMarker;
  private final String selectState;
  private final String purge;

  /** The table {@value #DEFAULT_NAME}. */
  public BarrierTable() {
    this(DEFAULT_NAME);
  }

  /**
   * @param name the table name: 1 to 64 characters of {@code [A-Za-z0-9_]}, not starting with a
   *     digit
   */
  public BarrierTable(String name) {
    this(name, Clock.systemUTC());
  }

  BarrierTable(String name, Clock clock) {
    this.name = SdkTable.checkName(name, "barrier table");
    this.clock = clock;
    // The name is checked above; it cannot carry SQL.
    this.insert =
        "INSERT INTO " + name + " (message_id, state, created_at) VALUES (?, '" + COMMIT + "', ?)";
    this.insertMarker =
        "INSERT IGNORE INTO "
            + name
            + " (message_id, state, created_at) VALUES (?, '"
            + ROLLBACK
            + "', ?)";
    this.selectState = "SELECT state FROM " + name + " WHERE message_id = ?";
    this.purge = "DELETE FROM " + name + " WHERE created_at < ? LIMIT ?";
  }

  public String name() {
    return name;
  }

  /**
   * Writes the message's barrier row on {@code connection}, inside the caller's transaction. Call
   * it early in the transaction: from then until the transaction ends, a check-back for the message
   * waits for it instead of answering.
   *
   * @throws BarrierRolledBackException if a check-back already answered ROLLBACK for the message;
   *     roll the transaction back
   */
  public void insert(Connection connection, String messageId) throws SQLException {
    Objects.requireNonNull(messageId, "messageId");
    try (PreparedStatement ps = connection.prepareStatement(insert)) {
      ps.setString(1, messageId);
      ps.setObject(2, utcNow());
      ps.executeUpdate();
    } catch (SQLException e) {
      if (BarrierDialect.of(connection).isDuplicateKey(e)) {
        throw new BarrierRolledBackException(messageId, e);
      }
      throw e;
    }
  }

  /**
   * A {@link LocalTransaction} that runs {@code work} and the barrier row in one JDBC transaction
   * on a connection from {@code dataSource}: it commits and returns {@link
   * TransactionState#COMMIT}, or rolls back and rethrows what {@code work} threw (check-back then
   * finds no row and answers ROLLBACK).
   */
  public LocalTransaction inTransaction(DataSource dataSource, JdbcWork work) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(work, "work");
    return message ->
        JdbcTransaction.run(
            dataSource,
            c -> {
              insert(c, message.messageId());
              work.execute(c, message);
              return TransactionState.COMMIT;
            });
  }

  /** Creates the table if it does not exist, with the shipped MySQL DDL. */
  public void create(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(ddl());
    }
  }

  /** Fails with a hint about the DDL if the table is missing or not of the expected shape. */
  public void verify(DataSource dataSource) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.executeQuery("SELECT message_id, state, created_at FROM " + name + " WHERE 1 = 0").close();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "The barrier table "
              + name
              + " is not usable ("
              + e.getMessage()
              + "). Create it with the DDL in classpath:"
              + DDL_RESOURCE
              + ", or enable auto-create of the barrier table.",
          e);
    }
  }

  /**
   * Deletes up to {@code limit} rows created before {@code before}. Only delete rows the broker can
   * no longer ask about: with its default policies, check-backs end about 7 hours after prepare, so
   * anything older than a few days is safe.
   *
   * @return rows deleted
   */
  public int purge(DataSource dataSource, Instant before, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(purge)) {
      ps.setObject(1, LocalDateTime.ofInstant(before, ZoneOffset.UTC));
      ps.setInt(2, limit);
      return ps.executeUpdate();
    }
  }

  /** The DDL for this table name. */
  public String ddl() {
    return SdkTable.ddl(BarrierTable.class, DDL_RESOURCE, DEFAULT_NAME, name);
  }

  /** Inserts the ROLLBACK marker unless a row exists; true if it went in. Waits for row locks. */
  boolean insertRollbackMarker(Connection c, String messageId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insertMarker)) {
      ps.setString(1, messageId);
      ps.setObject(2, utcNow());
      return ps.executeUpdate() == 1;
    }
  }

  /** The committed state of the message's row, if there is one. A plain (non-locking) read. */
  Optional<String> stateOf(Connection c, String messageId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(selectState)) {
      ps.setString(1, messageId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** The committed states of the rows of {@code messageIds} that exist, in one plain read. */
  Map<String, String> statesOf(Connection c, List<String> messageIds) throws SQLException {
    String sql =
        "SELECT message_id, state FROM "
            + name
            + " WHERE message_id IN ("
            + String.join(", ", java.util.Collections.nCopies(messageIds.size(), "?"))
            + ")";
    Map<String, String> states = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < messageIds.size(); i++) {
        ps.setString(i + 1, messageIds.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          states.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return states;
  }

  private LocalDateTime utcNow() {
    // DATETIME has no zone: write UTC explicitly, whatever the JVM and session zones are.
    return LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  @Override
  public String toString() {
    return "BarrierTable[" + name + "]";
  }
}
