package io.halfmsg.broker.metrics;

import io.halfmsg.broker.delivery.KeyQueue;
import io.halfmsg.broker.jdbc.ListSql;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What the store holds that has not finished, read for the gauges. Only unfinished states are
 * counted: they are few, and their rows are found through the state indexes. FORWARDED messages and
 * ACKED deliveries (the bulk of the tables until retention deletes them) are not counted here,
 * which would scan the tables; their counters ({@code halfmsg.forwarded}, {@code
 * halfmsg.deliveries.acked}) count them instead.
 */
@Component
class StoreStats {

  /** The message states counted, the decided ones that are not finished included. */
  static final List<String> MESSAGE_STATES =
      List.of("PREPARED", "COMMITTED", "PARKED", "ROLLED_BACK", "CANCELLED");

  /** The delivery states counted: the ones that still wait for an ack. */
  static final List<String> DELIVERY_STATES = List.of("PENDING", "DEAD");

  /** Messages of one producer group in one state; {@code late} counts only PREPARED ones. */
  record MessageGroup(String producerGroup, String state, long count, Instant oldest, long late) {}

  /** Deliveries of one consumer group in one state. */
  record DeliveryGroup(String consumerGroup, String state, long count, Instant oldest) {}

  private final JdbcTemplate jdbc;

  StoreStats(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  List<MessageGroup> messages(Instant lateBefore) {
    return jdbc.query(
        "SELECT producer_group, state, COUNT(*), MIN(created_at),"
            + " SUM(CASE WHEN state = 'PREPARED' AND created_at < ? THEN 1 ELSE 0 END)"
            + " FROM hm_message WHERE state IN ("
            + ListSql.placeholders(MESSAGE_STATES.size())
            + ") GROUP BY producer_group, state",
        (rs, row) ->
            new MessageGroup(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                ListSql.readInstant(rs, 4),
                rs.getLong(5)),
        args(ListSql.instantText(lateBefore), MESSAGE_STATES));
  }

  List<DeliveryGroup> deliveries() {
    return jdbc.query(
        // The oldest leaves out deliveries waiting behind the head of their sharding key: not
        // late, they have not started (blocked keys are shown by the admin API).
        "SELECT consumer_group, state, COUNT(*),"
            + " MIN(CASE WHEN next_attempt_at <> ? THEN created_at END)"
            + " FROM hm_delivery WHERE state IN ("
            + ListSql.placeholders(DELIVERY_STATES.size())
            + ") GROUP BY consumer_group, state",
        (rs, row) ->
            new DeliveryGroup(
                rs.getString(1), rs.getString(2), rs.getLong(3), ListSql.readInstant(rs, 4)),
        args(ListSql.instantText(KeyQueue.HELD), DELIVERY_STATES));
  }

  private static Object[] args(Object first, List<String> rest) {
    Object[] args = new Object[rest.size() + 1];
    args[0] = first;
    for (int i = 0; i < rest.size(); i++) {
      args[i + 1] = rest.get(i);
    }
    return args;
  }
}
