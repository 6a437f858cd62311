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
 * The plain-JDBC statements on {@code hm_message}: the hot path's, one per batch whatever its size
 * (see {@link ListSql} for why not MyBatis), and every read of whole rows, so that the row's
 * columns and their mapping to {@link StoredMessage} are written once ({@link #COLUMNS}, {@link
 * #row}). Like the mappers they run in the caller's Spring transaction, if any.
 *
 * <p>A component, not a {@code @Repository}: JdbcTemplate already translates SQL exceptions, and
 * the repository proxy would add a reflective call to every statement.
 */
@Component
class MessageSql {

  /** The columns of a whole row, in the order {@link #row} reads them. */
  private static final String COLUMNS =
      "id, message_id, producer_group, topic, tag, msg_keys, body, body_encoding,"
          + " properties, state, check_count, next_check_at, version, created_at, resolved_at,"
          + " resolved_by, forwarded_at, deliver_at, sharding_key";

  private static final String SELECT_MESSAGES = "SELECT " + COLUMNS + " FROM hm_message";

  private static final String INSERT_PREPARED =
      "INSERT INTO hm_message (message_id, producer_group, topic, tag, msg_keys, body,"
          + " body_encoding, properties, state, check_count, next_check_at, version, created_at,"
          + " deliver_at, sharding_key) VALUES ";
  private static final String PREPARED_ROW =
      "(?, ?, ?, ?, ?, ?, ?, ?, 'PREPARED', 0, ?, 0, ?, ?, ?)";

  private final JdbcTemplate jdbc;

  MessageSql(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  private static StoredMessage row(ResultSet rs, int row) throws SQLException {
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
        ListSql.readInstant(rs, 17),
        ListSql.readInstant(rs, 18),
        rs.getString(19));
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
            Instant deliverAt = p.deliverAt();
            ps.setString(i++, deliverAt == null ? null : ListSql.instantText(deliverAt));
            ps.setString(i++, m.shardingKey());
          }
        });
  }

  List<StoredMessage> find(String messageId) {
    return jdbc.query(SELECT_MESSAGES + " WHERE message_id = ?", MessageSql::row, messageId);
  }

  /** The stored messages among these ids, without locks. */
  List<StoredMessage> findAll(Collection<String> messageIds) {
    return jdbc.query(
        SELECT_MESSAGES + " WHERE message_id IN (" + ListSql.placeholders(messageIds.size()) + ")",
        MessageSql::row,
        messageIds.toArray());
  }

  /** The stored messages among these primary keys, without locks. */
  List<StoredMessage> findAllByIds(Collection<Long> ids) {
    return jdbc.query(
        SELECT_MESSAGES + " WHERE id IN (" + ListSql.placeholders(ids.size()) + ")",
        MessageSql::row,
        ids.toArray());
  }

  /**
   * Locks the messages a batch of producer decisions names and reads them whole: the states decide
   * the batch, and the committed ones go to the fast path as read here, without another query.
   * Callers pass the ids sorted, so that batches ask for overlapping locks in one order.
   */
  List<StoredMessage> lockForDecision(Collection<String> messageIds) {
    return jdbc.query(
        SELECT_MESSAGES
            + " WHERE message_id IN ("
            + ListSql.placeholders(messageIds.size())
            + ") FOR UPDATE",
        MessageSql::row,
        messageIds.toArray());
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

  /**
   * Brings COMMITTED messages forward for the recovery scanner, never later than they were due. By
   * primary key; a message forwarded meanwhile ({@code forwarded_at} set, see {@link
   * #confirmForwarded}) keeps its retention time.
   */
  int dueSooner(List<Long> ids, Instant due) {
    List<Object> args = new ArrayList<>(ids.size() + 2);
    args.add(ListSql.instantText(due));
    args.addAll(ids);
    args.add(ListSql.instantText(due));
    return jdbc.update(
        "UPDATE hm_message SET next_check_at = ? WHERE id IN ("
            + ListSql.placeholders(ids.size())
            + ") AND forwarded_at IS NULL AND next_check_at > ?",
        args.toArray());
  }

  /**
   * Primary-key lookups only: a COMMITTED message can only become FORWARDED, so no state condition
   * is needed, and one would let the optimizer scan (and lock) the state index. Once per message: a
   * second confirmation (the fast path's and a recovery send's of the same message) finds {@code
   * forwarded_at} set and changes nothing, so the first time stays and nothing is counted twice;
   * the column has no index to mislead the optimizer.
   */
  int confirmForwarded(List<Long> ids, Instant forwardedAt, Instant retainUntil) {
    return markForwarded("id", ids, forwardedAt, retainUntil);
  }

  /**
   * {@link #confirmForwarded} for messages known by their {@code message_id} (unique), for acks: a
   * message a group acked was stored in RocketMQ, even if the confirmation of its send has not been
   * written yet.
   */
  int confirmForwardedByMessageId(
      List<String> messageIds, Instant forwardedAt, Instant retainUntil) {
    return markForwarded("message_id", messageIds, forwardedAt, retainUntil);
  }

  /** {@code key} is one of the two unique columns above, never input. */
  private int markForwarded(String key, List<?> values, Instant forwardedAt, Instant retainUntil) {
    List<Object> args = new ArrayList<>(values.size() + 2);
    args.add(ListSql.instantText(forwardedAt));
    args.add(ListSql.instantText(retainUntil));
    args.addAll(values);
    return jdbc.update(
        "UPDATE hm_message SET state = 'FORWARDED', forwarded_at = ?, next_check_at = ?,"
            + " version = version + 1"
            + " WHERE "
            + key
            + " IN ("
            + ListSql.placeholders(values.size())
            + ") AND forwarded_at IS NULL",
        args.toArray());
  }
}
