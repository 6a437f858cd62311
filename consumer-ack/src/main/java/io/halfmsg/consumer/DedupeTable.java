package io.halfmsg.consumer;

import io.halfmsg.api.jdbc.SdkTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;

/**
 * The consumer's dedupe table: one row per (consumer group, message id) whose handler committed.
 *
 * <p>{@code INSERT IGNORE} tells a first delivery (1 row) from a duplicate (0 rows). A concurrent
 * duplicate blocks on the first one's uncommitted row until that commits (then it is ignored) or
 * rolls back (then it goes in and this delivery runs the handler). A batch of messages inserts all
 * its rows with one multi-row {@code INSERT IGNORE}; its update count says whether all were new.
 */
final class DedupeTable {

  static final String DEFAULT_NAME = "halfmsg_consumed";
  static final String DDL_RESOURCE = "io/halfmsg/consumer/halfmsg_consumed-mysql.sql";

  private static final DateTimeFormatter UTC_MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
  private static final String ROW = "(?, ?, ?)";

  private final String name;
  private final String insertValues;
  private final String insert;
  private final String purge;

  DedupeTable(String name) {
    this.name = SdkTable.checkName(name, "dedupe table");
    // The name is checked above; it cannot carry SQL.
    this.insertValues =
        "INSERT IGNORE INTO " + name + " (consumer_group, message_id, consumed_at) VALUES ";
    this.insert = insertValues + ROW;
    this.purge = "DELETE FROM " + name + " WHERE consumer_group = ? AND consumed_at < ? LIMIT ?";
  }

  String name() {
    return name;
  }

  /**
   * Before the consumer starts: creates the table if asked to (and it is missing), then checks that
   * it is there with the columns the consumer writes.
   *
   * @throws IllegalStateException if it is missing or cannot be created
   */
  void prepare(LocalTransactions transactions, boolean create) {
    try {
      transactions.execute(
          c -> {
            if (create) {
              create(c);
            }
            verify(c);
            return null;
          });
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot create the dedupe table " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Inserts the row; {@code true} if it is new, {@code false} if the message was applied before.
   */
  boolean insert(Connection c, String consumerGroup, String messageId, Instant now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      ps.setString(1, consumerGroup);
      ps.setString(2, messageId);
      // DATETIME has no zone: UTC wall-clock time, whatever the JVM and session zones are. As text,
      // because Connector/J drops the microseconds of temporal parameters when the server calls
      // itself 5.5.5, as MariaDB before 11 does.
      ps.setString(3, utc(now));
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Inserts the rows of several messages with one statement; returns how many of them were new.
   * Fewer than {@code messageIds.size()} means that at least one was applied before, or is in the
   * list twice (its second row is ignored as a duplicate of the first).
   */
  int insertAll(Connection c, String consumerGroup, List<String> messageIds, Instant now)
      throws SQLException {
    // In key order: two batches sharing ids (a redelivery next to its first copy) take the row
    // locks in the same order, so one waits for the other instead of both deadlocking. Ids are
    // ASCII, so String order is the order of the utf8mb4_bin key.
    List<String> ids = messageIds.stream().sorted().toList();
    String consumedAt = utc(now);
    try (PreparedStatement ps =
        c.prepareStatement(
            insertValues + String.join(", ", Collections.nCopies(ids.size(), ROW)))) {
      int i = 1;
      for (String id : ids) {
        ps.setString(i++, consumerGroup);
        ps.setString(i++, id);
        ps.setString(i++, consumedAt);
      }
      return ps.executeUpdate();
    }
  }

  /** Deletes up to {@code limit} rows of the group consumed before {@code before}. */
  int purge(Connection c, String consumerGroup, Instant before, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(purge)) {
      ps.setString(1, consumerGroup);
      ps.setString(2, utc(before));
      ps.setInt(3, limit);
      return ps.executeUpdate();
    }
  }

  private static String utc(Instant instant) {
    return UTC_MICROS.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  /** Creates the table if it does not exist, with the shipped MySQL DDL. */
  void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(ddl());
    }
  }

  /** Fails with a hint about the DDL if the table is missing. */
  void verify(Connection c) {
    try (Statement s = c.createStatement()) {
      s.executeQuery("SELECT consumer_group, message_id, consumed_at FROM " + name + " WHERE 1 = 0")
          .close();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "The dedupe table "
              + name
              + " is not usable ("
              + e.getMessage()
              + "). Create it with the DDL in classpath:"
              + DDL_RESOURCE
              + ", or enable auto-create of the dedupe table.",
          e);
    }
  }

  String ddl() {
    return SdkTable.ddl(DedupeTable.class, DDL_RESOURCE, DEFAULT_NAME, name);
  }
}
