package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import java.time.Instant;
import java.util.Map;

/**
 * A half message as the store keeps it.
 *
 * @param deliverAt when it may be forwarded at the earliest, or null (see {@link NextLook#holds})
 * @param shardingKey the key whose messages of this topic are delivered in prepare order, or null
 */
public record StoredMessage(
    long id,
    String messageId,
    String producerGroup,
    String topic,
    String tag,
    String keys,
    byte[] body,
    String bodyEncoding,
    Map<String, String> properties,
    MessageState state,
    int checkCount,
    Instant nextCheckAt,
    int version,
    Instant createdAt,
    Instant resolvedAt,
    ResolvedBy resolvedBy,
    Instant forwardedAt,
    Instant deliverAt,
    String shardingKey) {

  /**
   * Whether the broker holds this committed message until {@code deliverAt}: committed before that
   * time. The fast path leaves it alone; the recovery scanner forwards it when it is due.
   */
  public boolean heldForDelivery() {
    return NextLook.holds(deliverAt, resolvedAt);
  }

  /**
   * Since when it could be forwarded: its commit, or its delivery time if that came later. What
   * forward latency and forward retries count from.
   */
  public Instant forwardableSince() {
    return heldForDelivery() ? deliverAt : resolvedAt;
  }

  /**
   * This message as a producer's decision at {@code now} leaves it ({@code
   * MessageSql.resolveAllByProducer}: one version later).
   */
  StoredMessage decidedByProducer(MessageState decision, Instant now, Instant nextCheckAt) {
    return new StoredMessage(
        id,
        messageId,
        producerGroup,
        topic,
        tag,
        keys,
        body,
        bodyEncoding,
        properties,
        decision,
        checkCount,
        nextCheckAt,
        version + 1,
        createdAt,
        now,
        ResolvedBy.PRODUCER,
        forwardedAt,
        deliverAt,
        shardingKey);
  }
}
