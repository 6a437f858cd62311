package io.halfmsg.broker.delivery;

import io.halfmsg.broker.jdbc.ListSql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The one home of {@code hm_key_queue}: which messages hold their sharding key, in prepare order.
 * The rule it keeps: of one (topic, sharding key), only the oldest holder, the key's head, may be
 * forwarded or redelivered; a message holds its key from its prepare until every subscribed group
 * acked it, it is rolled back, or an operator releases it. Statements run in the caller's
 * transaction, if any.
 *
 * <p>A message behind its head waits COMMITTED with its forward and its deliveries due at {@link
 * #HELD}, a time that never comes: no scanner looks at it while it waits. When the head is
 * released, the next holder is brought forward ({@link #arm}); the key handover's sweep finds a
 * head whose release was lost.
 */
@Component
public class KeyQueue {

  /** When a message behind its key's head is due: never, until {@link #arm} brings it forward. */
  public static final Instant HELD = Instant.parse("9999-12-31T00:00:00Z");

  private final JdbcTemplate jdbc;

  KeyQueue(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A message holding its key, with its place. */
  public record Holder(String topic, String shardingKey, long messagePk, String messageId) {}

  /** Where a message stands in its key's queue: how many hold the key before and after it. */
  public record Place(String shardingKey, int ahead, int behind) {}

  /** A key's head that holds others back for an operator (PARKED, or a DEAD delivery). */
  public record BlockedKey(
      String topic, String shardingKey, String messageId, String state, int blocking) {}

  /**
   * In the prepare transaction, after the messages went in: those with a sharding key join the end
   * of their key's queue, in the order of their primary keys (the prepare order).
   */
  public void enqueue(Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return;
    }
    jdbc.update(
        "INSERT INTO hm_key_queue (topic, sharding_key, message_pk, message_id)"
            + " SELECT topic, sharding_key, id, message_id FROM hm_message"
            + " WHERE sharding_key IS NOT NULL AND message_id IN ("
            + ListSql.placeholders(messageIds.size())
            + ")",
        messageIds.toArray());
  }

  /** Of these messages, those an earlier holder of their key still holds back. */
  Set<String> heldBack(Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.queryForList(
            "SELECT q.message_id FROM hm_key_queue q WHERE q.message_id IN ("
                + ListSql.placeholders(messageIds.size())
                + ") AND EXISTS (SELECT 1 FROM hm_key_queue p WHERE p.topic = q.topic"
                + " AND p.sharding_key = q.sharding_key AND p.message_pk < q.message_pk)",
            String.class,
            messageIds.toArray()));
  }

  /**
   * In the transaction that committed these messages: those held back by their key wait, neither
   * their forward nor their deliveries due until the key is theirs.
   */
  void holdBack(Collection<String> messageIds) {
    Set<String> held = heldBack(messageIds);
    if (held.isEmpty()) {
      return;
    }
    List<Object> args = new ArrayList<>();
    args.add(ListSql.instantText(HELD));
    args.addAll(held);
    String in = "message_id IN (" + ListSql.placeholders(held.size()) + ")";
    jdbc.update("UPDATE hm_message SET next_check_at = ? WHERE " + in, args.toArray());
    jdbc.update(
        "UPDATE hm_delivery SET next_attempt_at = ? WHERE state = 'PENDING' AND " + in,
        args.toArray());
  }

  /** The pending deliveries of a message found behind its key's head wait with it. */
  void holdDeliveries(String messageId) {
    jdbc.update(
        "UPDATE hm_delivery SET next_attempt_at = ? WHERE message_id = ? AND state = 'PENDING'",
        ListSql.instantText(HELD),
        messageId);
  }

  /**
   * These messages no longer hold their keys: their rows go, and the new head of each key they held
   * is brought forward to {@code forwardDue} (its deliveries to an ack timeout after {@code now}).
   * Returns the new heads that are COMMITTED and not forwarded, for the fast path.
   */
  List<String> release(Collection<String> messageIds, Instant now, Instant forwardDue) {
    List<Holder> released = holdersAmong(messageIds);
    if (released.isEmpty()) {
      return List.of();
    }
    jdbc.update(
        "DELETE FROM hm_key_queue WHERE message_id IN ("
            + ListSql.placeholders(released.size())
            + ")",
        released.stream().map(Holder::messageId).toArray());
    Map<String, Holder> keys = new LinkedHashMap<>();
    released.forEach(h -> keys.putIfAbsent(h.topic() + '\u0000' + h.shardingKey(), h));
    List<String> heads = new ArrayList<>();
    for (Holder h : keys.values()) {
      head(h.topic(), h.shardingKey()).ifPresent(next -> heads.add(next.messageId()));
    }
    return arm(heads, now, forwardDue);
  }

  /**
   * Brings these heads forward if they are held (COMMITTED, waiting for their key): due at {@code
   * forwardDue}, or at their delivery time if that is later, and their deliveries, held with them,
   * start then: due an ack timeout after it. Returns those it brought forward.
   */
  List<String> arm(List<String> heads, Instant now, Instant forwardDue) {
    List<String> armed = new ArrayList<>();
    String held = ListSql.instantText(HELD);
    String due = ListSql.instantText(forwardDue);
    String at = ListSql.instantText(now);
    for (String messageId : heads) {
      int changed =
          jdbc.update(
              "UPDATE hm_message SET next_check_at = GREATEST(CAST(? AS DATETIME(6)),"
                  + " COALESCE(deliver_at, CAST(? AS DATETIME(6))))"
                  + " WHERE message_id = ? AND state = 'COMMITTED' AND next_check_at = ?",
              due,
              due,
              messageId,
              held);
      if (changed > 0) {
        // A delivery starts when its message may go (as a delayed one's does): its age and ack
        // latency leave out the wait behind the key.
        jdbc.update(
            "UPDATE hm_delivery d JOIN hm_message m ON m.message_id = d.message_id"
                + " SET d.created_at = GREATEST(CAST(? AS DATETIME(6)),"
                + " COALESCE(m.deliver_at, CAST(? AS DATETIME(6)))),"
                + " d.next_attempt_at = TIMESTAMPADD(MICROSECOND, d.ack_timeout_ms * 1000,"
                + " GREATEST(CAST(? AS DATETIME(6)), COALESCE(m.deliver_at, CAST(? AS DATETIME(6)))))"
                + " WHERE d.message_id = ? AND d.state = 'PENDING' AND d.next_attempt_at = ?",
            at,
            at,
            at,
            at,
            messageId,
            held);
        armed.add(messageId);
      }
    }
    return armed;
  }

  /**
   * Of these messages, those that hold their key and are done with: every delivery acked, or
   * forwarded to a topic no group subscribed to.
   */
  List<String> settledAmong(Collection<String> messageIds) {
    List<Holder> holders = holdersAmong(messageIds);
    if (holders.isEmpty()) {
      return List.of();
    }
    return jdbc.queryForList(
        "SELECT m.message_id FROM hm_message m WHERE m.message_id IN ("
            + ListSql.placeholders(holders.size())
            + ") AND NOT EXISTS (SELECT 1 FROM hm_delivery d WHERE d.message_id = m.message_id"
            + " AND d.state <> 'ACKED')"
            + " AND (m.forwarded_at IS NOT NULL"
            + " OR EXISTS (SELECT 1 FROM hm_delivery a WHERE a.message_id = m.message_id))",
        String.class,
        holders.stream().map(Holder::messageId).toArray());
  }

  /** Holders whose message row is gone (deleted by hand, or by retention after a lost release). */
  List<String> orphansAmong(Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return List.of();
    }
    return jdbc.queryForList(
        "SELECT q.message_id FROM hm_key_queue q WHERE q.message_id IN ("
            + ListSql.placeholders(messageIds.size())
            + ") AND NOT EXISTS (SELECT 1 FROM hm_message m WHERE m.id = q.message_pk)",
        String.class,
        messageIds.toArray());
  }

  /** The rows of these messages that hold their keys. */
  List<Holder> holdersAmong(Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return List.of();
    }
    return jdbc.query(
        "SELECT topic, sharding_key, message_pk, message_id FROM hm_key_queue"
            + " WHERE message_id IN ("
            + ListSql.placeholders(messageIds.size())
            + ")",
        (rs, i) -> new Holder(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)),
        messageIds.toArray());
  }

  /** The head of one key, if any message holds it. */
  Optional<Holder> head(String topic, String shardingKey) {
    return jdbc
        .query(
            "SELECT topic, sharding_key, message_pk, message_id FROM hm_key_queue"
                + " WHERE topic = ? AND sharding_key = ? ORDER BY message_pk LIMIT 1",
            (rs, i) -> new Holder(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)),
            topic,
            shardingKey)
        .stream()
        .findFirst();
  }

  /**
   * The heads of up to {@code limit} keys after ({@code topic}, {@code shardingKey}) in key order
   * (from the start when {@code topic} is null): one index range read per key.
   */
  List<Holder> headsAfter(String topic, String shardingKey, int limit) {
    String after = topic == null ? "" : " WHERE topic > ? OR (topic = ? AND sharding_key > ?)";
    Object[] args =
        topic == null ? new Object[] {limit} : new Object[] {topic, topic, shardingKey, limit};
    return jdbc.query(
        "SELECT q.topic, q.sharding_key, q.message_pk, q.message_id FROM hm_key_queue q"
            + " JOIN (SELECT topic, sharding_key, MIN(message_pk) AS head FROM hm_key_queue"
            + after
            + " GROUP BY topic, sharding_key ORDER BY topic, sharding_key LIMIT ?) h"
            + " ON q.topic = h.topic AND q.sharding_key = h.sharding_key AND q.message_pk = h.head"
            + " ORDER BY q.topic, q.sharding_key",
        (rs, i) -> new Holder(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)),
        args);
  }

  /** Where this message stands in its key's queue, if it holds a key. */
  public Optional<Place> placeOf(String messageId) {
    return jdbc
        .query(
            "SELECT q.sharding_key,"
                + " (SELECT COUNT(*) FROM hm_key_queue p WHERE p.topic = q.topic"
                + " AND p.sharding_key = q.sharding_key AND p.message_pk < q.message_pk),"
                + " (SELECT COUNT(*) FROM hm_key_queue n WHERE n.topic = q.topic"
                + " AND n.sharding_key = q.sharding_key AND n.message_pk > q.message_pk)"
                + " FROM hm_key_queue q WHERE q.message_id = ?",
            (rs, i) -> new Place(rs.getString(1), rs.getInt(2), rs.getInt(3)),
            messageId)
        .stream()
        .findFirst();
  }

  /**
   * Keys whose head waits for an operator (PARKED, or a delivery DEAD) while others wait behind it,
   * most blocked first.
   */
  public List<BlockedKey> blockedKeys(int limit) {
    return jdbc.query(
        "SELECT q.topic, q.sharding_key, q.message_id, m.state,"
            + " (SELECT COUNT(*) FROM hm_key_queue n WHERE n.topic = q.topic"
            + " AND n.sharding_key = q.sharding_key AND n.message_pk > q.message_pk) AS blocking"
            + " FROM hm_key_queue q JOIN hm_message m ON m.id = q.message_pk"
            + " WHERE NOT EXISTS (SELECT 1 FROM hm_key_queue e WHERE e.topic = q.topic"
            + " AND e.sharding_key = q.sharding_key AND e.message_pk < q.message_pk)"
            + " AND (m.state = 'PARKED' OR EXISTS (SELECT 1 FROM hm_delivery d"
            + " WHERE d.message_id = q.message_id AND d.state = 'DEAD'))"
            + " ORDER BY blocking DESC, q.topic, q.sharding_key LIMIT ?",
        (rs, i) ->
            new BlockedKey(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)),
        limit);
  }
}
