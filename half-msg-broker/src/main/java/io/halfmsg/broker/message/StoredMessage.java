package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import java.time.Instant;
import java.util.Map;

/**
 * A half message as the store keeps it.
 *
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
    String shardingKey) {

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
        shardingKey);
  }
}
