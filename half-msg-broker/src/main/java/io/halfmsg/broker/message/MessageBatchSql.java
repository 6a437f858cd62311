package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.jdbc.ListSql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The group commit's statements on {@code hm_message}, one per batch whatever its size. They are
 * plain JDBC, not MyBatis, for speed (see {@link ListSql}); like the mappers they run in the
 * caller's Spring transaction.
 *
 * <p>A component, not a {@code @Repository}: JdbcTemplate already translates SQL exceptions, and
 * the repository proxy would add a reflective call to every statement.
 */
@Component
class MessageBatchSql {

  private static final String INSERT_PREPARED =
      "INSERT INTO hm_message (message_id, producer_group, topic, tag, msg_keys, body,"
          + " body_encoding, properties, state, check_count, next_check_at, version, created_at)"
          + " VALUES ";
  private static final String PREPARED_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, 'PREPARED', 0, ?, 0, ?)";

  private final JdbcTemplate jdbc;

  MessageBatchSql(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The prepares of many concurrent requests in one statement. */
  void insertPrepared(List<GroupCommit.Prepare> items) {
    jdbc.update(
        INSERT_PREPARED + ListSql.rows(PREPARED_ROW, items.size()),
        ps -> {
          int i = 1;
          for (GroupCommit.Prepare p : items) {
            NewMessage m = p.message();
            ps.setString(i++, m.messageId());
            ps.setString(i++, m.producerGroup());
            ps.setString(i++, m.topic());
            ps.setString(i++, m.tag());
            ps.setString(i++, m.keys());
            ps.setBytes(i++, m.body());
            ps.setString(i++, m.bodyEncoding());
            ps.setString(i++, ListSql.propertiesText(m.properties()));
            ps.setString(i++, ListSql.instantText(p.nextCheckAt()));
            ps.setString(i++, ListSql.instantText(p.now()));
          }
        });
  }

  private static final String SELECT_MESSAGES =
      "SELECT id, message_id, producer_group, topic, tag, msg_keys, body, body_encoding,"
          + " properties, state, check_count, next_check_at, version, created_at, resolved_at,"
          + " resolved_by, forwarded_at FROM hm_message WHERE message_id IN (";

  /**
   * Locks the messages a batch of producer decisions names and reads them whole: the states decide
   * the batch, and the committed ones go to the fast path as read here, without another query.
   * Callers pass the ids sorted, so that batches ask for overlapping locks in one order.
   */
  List<StoredMessage> lockForDecision(Collection<String> messageIds) {
    return jdbc.query(
        SELECT_MESSAGES + ListSql.placeholders(messageIds.size()) + ") FOR UPDATE",
        MessageBatchSql::storedMessage,
        messageIds.toArray());
  }

  /** The stored messages among these ids, without locks: what retried prepares are compared to. */
  List<StoredMessage> findAll(Collection<String> messageIds) {
    return jdbc.query(
        SELECT_MESSAGES + ListSql.placeholders(messageIds.size()) + ")",
        MessageBatchSql::storedMessage,
        messageIds.toArray());
  }

  private static StoredMessage storedMessage(ResultSet rs, int row) throws SQLException {
    String resolvedBy = rs.getString(16);
    return new StoredMessage(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getBytes(7),
        rs.getString(8),
        ListSql.readProperties(rs, 9),
        MessageState.valueOf(rs.getString(10)),
        rs.getInt(11),
        ListSql.readInstant(rs, 12),
        rs.getInt(13),
        ListSql.readInstant(rs, 14),
        ListSql.readInstant(rs, 15),
        resolvedBy == null ? null : ResolvedBy.valueOf(resolvedBy),
        ListSql.readInstant(rs, 17));
  }

  /**
   * The decided messages of a batch, by primary key, locked by {@link #lockForDecision} in this
   * transaction: primary-key lookups take no lock beyond those rows, whatever plan a list of
   * message ids would get. The producer's word decides a message nobody decided yet, parked ones
   * included: the producer knows the truth that check-backs failed to learn. The version bump voids
   * any check-back in flight.
   */
  int resolveAllByProducer(
      Collection<Long> ids, MessageState state, Instant resolvedAt, Instant nextCheckAt) {
    List<Object> args = new ArrayList<>(ids.size() + 3);
    args.add(state.name());
    args.add(ListSql.instantText(resolvedAt));
    args.add(ListSql.instantText(nextCheckAt));
    args.addAll(ids);
    return jdbc.update(
        "UPDATE hm_message SET state = ?, version = version + 1, resolved_at = ?,"
            + " resolved_by = 'PRODUCER', next_check_at = ? WHERE id IN ("
            + ListSql.placeholders(ids.size())
            + ")",
        args.toArray());
  }
}
