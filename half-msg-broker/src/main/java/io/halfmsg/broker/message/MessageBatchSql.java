package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.store.ListSql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The group commit's statements on {@code hm_message}, one per batch whatever its size. They are
 * plain JDBC, not MyBatis, for speed (see {@link ListSql}); like the mappers they run in the
 * caller's Spring transaction.
 */
@Repository
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
            ps.setString(i++, ListSql.properties(m.properties()));
            ps.setString(i++, ListSql.instant(p.nextCheckAt()));
            ps.setString(i++, ListSql.instant(p.now()));
          }
        });
  }

  /** Locks the messages a batch of producer decisions names and reads their states. */
  List<MessageStateRow> lockStates(Collection<String> messageIds) {
    return jdbc.query(
        "SELECT message_id, state FROM hm_message WHERE message_id IN ("
            + ListSql.placeholders(messageIds.size())
            + ") FOR UPDATE",
        (rs, row) -> new MessageStateRow(rs.getString(1), MessageState.valueOf(rs.getString(2))),
        messageIds.toArray());
  }

  /**
   * The decided messages of a batch, locked by {@link #lockStates} in this transaction. The
   * producer's word decides a message nobody decided yet, parked ones included: the producer knows
   * the truth that check-backs failed to learn. The version bump voids any check-back in flight.
   */
  int resolveAllByProducer(
      Collection<String> messageIds, MessageState state, Instant resolvedAt, Instant nextCheckAt) {
    List<Object> args = new ArrayList<>(messageIds.size() + 3);
    args.add(state.name());
    args.add(ListSql.instant(resolvedAt));
    args.add(ListSql.instant(nextCheckAt));
    args.addAll(messageIds);
    return jdbc.update(
        "UPDATE hm_message SET state = ?, version = version + 1, resolved_at = ?,"
            + " resolved_by = 'PRODUCER', next_check_at = ? WHERE message_id IN ("
            + ListSql.placeholders(messageIds.size())
            + ")",
        args.toArray());
  }
}
