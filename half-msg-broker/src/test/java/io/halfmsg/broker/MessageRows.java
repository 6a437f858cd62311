package io.halfmsg.broker;

import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Message rows written and read straight in the database, for tests of single statements. */
public final class MessageRows {

  private MessageRows() {}

  /**
   * Inserts a message of producer group {@code g} and topic {@code t}, body {@code x}, created at
   * the start of 2026; returns its primary key.
   *
   * @param nextCheckAt when it is next due, as DATETIME text (UTC)
   */
  public static long insert(
      TestDatabase db, String messageId, String state, int version, String nextCheckAt)
      throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement m =
            c.prepareStatement(
                "INSERT INTO hm_message (message_id, producer_group, topic, body, body_encoding,"
                    + " state, check_count, next_check_at, version, created_at)"
                    + " VALUES (?, 'g', 't', ?, 'utf8', ?, 0, ?, ?, '2026-01-01 00:00:00')",
                PreparedStatement.RETURN_GENERATED_KEYS)) {
      m.setString(1, messageId);
      m.setBytes(2, "x".getBytes());
      m.setString(3, state);
      m.setString(4, nextCheckAt);
      m.setInt(5, version);
      m.executeUpdate();
      try (ResultSet keys = m.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  /** One column of the message row {@code id}, as text. */
  public static String column(TestDatabase db, long id, String column) throws SQLException {
    // The column name comes from the tests themselves, never from input.
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT " + column + " FROM hm_message WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /**
   * Runs an UPDATE of the tests' own with text arguments (times as DATETIME text, UTC); returns how
   * many rows it changed.
   */
  public static int update(TestDatabase db, String sql, String... args) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement update = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        update.setString(i + 1, args[i]);
      }
      return update.executeUpdate();
    }
  }

  /**
   * Locks rows of {@code table} in {@code tx}'s transaction (switched off auto-commit), held until
   * it commits or rolls back: another instance's transaction still running. One lookup per row: on
   * a table this small, "key IN (…)" scans and locks every row.
   *
   * @param key the column the rows are looked up by ({@code id}, {@code message_id}), from the
   *     tests themselves, never from input
   */
  public static void lock(Connection tx, String table, String key, Object... values)
      throws SQLException {
    tx.setAutoCommit(false);
    try (PreparedStatement lock =
        tx.prepareStatement("SELECT id FROM " + table + " WHERE " + key + " = ? FOR UPDATE")) {
      for (Object value : values) {
        lock.setObject(1, value);
        lock.executeQuery().close();
      }
    }
  }

  /**
   * Inserts the delivery of message {@code messageId} to {@code group} (topic {@code t}, 16
   * attempts allowed, 30 s ack timeout) in {@code state} after {@code attempts} sends; returns its
   * primary key.
   *
   * @param nextAttemptAt when it is next due, as DATETIME text (UTC)
   */
  public static long insertDelivery(
      TestDatabase db,
      String messageId,
      String group,
      String state,
      int attempts,
      String nextAttemptAt)
      throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement d =
            c.prepareStatement(
                "INSERT INTO hm_delivery (message_id, consumer_group, topic, state, attempts,"
                    + " max_attempts, ack_timeout_ms, next_attempt_at, version, created_at)"
                    + " VALUES (?, ?, 't', ?, ?, 16, 30000, ?, 0, '2000-01-01 00:00:00')",
                PreparedStatement.RETURN_GENERATED_KEYS)) {
      d.setString(1, messageId);
      d.setString(2, group);
      d.setString(3, state);
      d.setInt(4, attempts);
      d.setString(5, nextAttemptAt);
      d.executeUpdate();
      try (ResultSet keys = d.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }
}
