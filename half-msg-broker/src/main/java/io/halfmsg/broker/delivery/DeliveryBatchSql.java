package io.halfmsg.broker.delivery;

import io.halfmsg.api.AckRequest;
import io.halfmsg.broker.jdbc.ListSql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The hot path's statements on deliveries, one per batch whatever its size. They are plain JDBC,
 * not MyBatis, for speed (see {@link ListSql}); like the mappers they run in the caller's Spring
 * transaction, if any.
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
