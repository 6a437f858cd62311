package io.halfmsg.broker.delivery;

import io.halfmsg.api.AckRequest;
import io.halfmsg.broker.jdbc.ListSql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The hot path's statements on deliveries and forwarding, one per batch whatever its size. They are
 * plain JDBC, not MyBatis, for speed (see {@link ListSql}); like the mappers they run in the
 * caller's Spring transaction, if any.
 *
 * <p>A component, not a {@code @Repository}: JdbcTemplate already translates SQL exceptions, and
 * the repository proxy would add a reflective call to every statement.
 */
@Component
class DeliveryBatchSql {

  private final JdbcTemplate jdbc;

  DeliveryBatchSql(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * In the commit transaction: one delivery per group subscribed to the message's topic, due for
   * redelivery when the group's ack timeout passes. Reads the subscriptions from the database, so
   * every broker instance sees the same groups.
   */
  int insertForSubscribers(List<String> messageIds, Instant now) {
    String at = ListSql.instantText(now);
    List<Object> args = new ArrayList<>(messageIds.size() + 2);
    args.add(at);
    args.add(at);
    args.addAll(messageIds);
    return jdbc.update(
        "INSERT INTO hm_delivery (message_id, consumer_group, topic, state, attempts,"
            + " max_attempts, ack_timeout_ms, next_attempt_at, version, created_at)"
            + " SELECT m.message_id, s.consumer_group, m.topic, 'PENDING', 1, s.max_attempts,"
            + " s.ack_timeout_ms,"
            + " TIMESTAMPADD(MICROSECOND, s.ack_timeout_ms * 1000, CAST(? AS DATETIME(6))), 0, ?"
            + " FROM hm_message m JOIN hm_subscription s ON s.topic = m.topic"
            + " WHERE (s.tags IS NULL OR (m.tag IS NOT NULL"
            + " AND LOCATE(CONCAT('||', m.tag, '||'), CONCAT('||', s.tags, '||')) > 0))"
            + " AND m.message_id IN ("
            + ListSql.placeholders(messageIds.size())
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

  /**
   * When the messages of these acks were committed (their deliveries' creation), for the acks that
   * {@link #ack} wrote at {@code ackedAt}: repeated acks, which changed nothing, are not counted
   * again.
   */
  List<Instant> commitTimesOf(List<AckRequest> acks, Instant ackedAt) {
    List<Object> args = new ArrayList<>(acks.size() * 3 + 1);
    args.add(ListSql.instantText(ackedAt));
    acks.forEach(a -> args.add(a.messageId()));
    acks.forEach(
        a -> {
          args.add(a.messageId());
          args.add(a.consumerGroup());
        });
    return jdbc.query(
        "SELECT created_at FROM hm_delivery WHERE acked_at = ? AND message_id IN ("
            + ListSql.placeholders(acks.size())
            + ") AND (message_id, consumer_group) IN ("
            + ListSql.rows("(?, ?)", acks.size())
            + ")",
        (rs, row) -> ListSql.readInstant(rs, 1),
        args.toArray());
  }

  /**
   * A late ack of a DEAD delivery counts too: the consumer did apply the message. The message_id
   * list lets the unique index narrow the rows before the pairs are matched.
   */
  int ack(List<AckRequest> acks, Instant now) {
    List<Object> args = new ArrayList<>(acks.size() * 3 + 1);
    args.add(ListSql.instantText(now));
    acks.forEach(a -> args.add(a.messageId()));
    acks.forEach(
        a -> {
          args.add(a.messageId());
          args.add(a.consumerGroup());
        });
    return jdbc.update(
        "UPDATE hm_delivery SET state = 'ACKED', acked_at = ?, version = version + 1"
            + " WHERE state IN ('PENDING', 'DEAD') AND message_id IN ("
            + ListSql.placeholders(acks.size())
            + ") AND (message_id, consumer_group) IN ("
            + ListSql.rows("(?, ?)", acks.size())
            + ")",
        args.toArray());
  }
}
