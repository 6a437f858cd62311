package io.halfmsg.broker.delivery;

import io.halfmsg.api.AckRequest;
import io.halfmsg.broker.jdbc.ListSql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
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
   *
   * <p>A delivery starts ({@code created_at}, and its ack timeout) when the message may be
   * forwarded: at the commit, or at its {@code deliver_at} if later. So a held message is not
   * redelivered before its time, and neither the commit → ack latency nor the age of the oldest
   * un-acked delivery counts the time it was held.
   */
  int insertForSubscribers(List<String> messageIds, Instant now) {
    String at = ListSql.instantText(now);
    List<Object> args = new ArrayList<>(messageIds.size() + 4);
    for (int i = 0; i < 4; i++) {
      args.add(at);
    }
    args.addAll(messageIds);
    return jdbc.update(
        "INSERT INTO hm_delivery (message_id, consumer_group, topic, state, attempts,"
            + " max_attempts, ack_timeout_ms, next_attempt_at, version, created_at)"
            + " SELECT m.message_id, s.consumer_group, m.topic, 'PENDING', 1, s.max_attempts,"
            + " s.ack_timeout_ms,"
            + " TIMESTAMPADD(MICROSECOND, s.ack_timeout_ms * 1000, "
            + STARTS
            + "), 0, "
            + STARTS
            + " FROM hm_message m JOIN hm_subscription s ON s.topic = m.topic"
            + " WHERE (s.tags IS NULL OR (m.tag IS NOT NULL"
            + " AND LOCATE(CONCAT('||', m.tag, '||'), CONCAT('||', s.tags, '||')) > 0))"
            + " AND m.message_id IN ("
            + ListSql.placeholders(messageIds.size())
            + ")",
        args.toArray());
  }

  /** When a delivery starts: the commit time (two arguments), or the message's later deliver_at. */
  private static final String STARTS =
      "GREATEST(CAST(? AS DATETIME(6)), COALESCE(m.deliver_at, CAST(? AS DATETIME(6))))";

  /**
   * When the messages of these acks were committed (their deliveries' creation), for the acks that
   * {@link #ack} wrote at {@code ackedAt}: repeated acks, which changed nothing, are not counted
   * again.
   */
  List<Instant> commitTimesOf(List<AckRequest> acks, Instant ackedAt) {
    return jdbc.query(
        "SELECT created_at FROM hm_delivery WHERE acked_at = ? AND "
            + ACKED_PAIRS.apply(acks.size()),
        (rs, row) -> ListSql.readInstant(rs, 1),
        pairArgs(ackedAt, acks));
  }

  /** A late ack of a DEAD delivery counts too: the consumer did apply the message. */
  int ack(List<AckRequest> acks, Instant now) {
    return jdbc.update(
        "UPDATE hm_delivery SET state = 'ACKED', acked_at = ?, version = version + 1"
            + " WHERE state IN ('PENDING', 'DEAD') AND "
            + ACKED_PAIRS.apply(acks.size()),
        pairArgs(now, acks));
  }

  /**
   * The deliveries of {@code n} acks: the message_id list lets the unique index narrow the rows
   * before the pairs are matched.
   */
  private static final IntFunction<String> ACKED_PAIRS =
      n ->
          "message_id IN ("
              + ListSql.placeholders(n)
              + ") AND (message_id, consumer_group) IN ("
              + ListSql.rows("(?, ?)", n)
              + ")";

  /** {@code at}, then the arguments of {@link #ACKED_PAIRS}. */
  private static Object[] pairArgs(Instant at, List<AckRequest> acks) {
    List<Object> args = new ArrayList<>(acks.size() * 3 + 1);
    args.add(ListSql.instantText(at));
    acks.forEach(a -> args.add(a.messageId()));
    acks.forEach(
        a -> {
          args.add(a.messageId());
          args.add(a.consumerGroup());
        });
    return args.toArray();
  }
}
