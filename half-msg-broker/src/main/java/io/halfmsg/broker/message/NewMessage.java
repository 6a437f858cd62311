package io.halfmsg.broker.message;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A validated prepare request.
 *
 * @param checkAfter the producer's own delay before the first check-back, or null for the default
 * @param deliverAfter how long after the prepare the message may be forwarded at the earliest, or
 *     null; never together with {@code deliverAt}
 * @param deliverAt when the message may be forwarded at the earliest, or null
 * @param shardingKey the key whose messages of this topic are delivered in prepare order, or null
 */
public record NewMessage(
    String messageId,
    String producerGroup,
    String topic,
    String tag,
    String keys,
    byte[] body,
    String bodyEncoding,
    Map<String, String> properties,
    Duration checkAfter,
    Duration deliverAfter,
    Instant deliverAt,
    String shardingKey) {

  /**
   * The earliest forward time ({@code deliver_at}) of this message prepared at {@code preparedAt};
   * null for one without a delay. Kept as asked, not resolved at validation, so that a retried
   * prepare with the same relative delay compares equal to the stored one.
   */
  Instant deliverAtFrom(Instant preparedAt) {
    return deliverAfter != null ? preparedAt.plus(deliverAfter) : deliverAt;
  }

  /**
   * Whether a stored message has this content: the test that tells a retried prepare (200) from a
   * reused id (409). The check-back delay is not content; the delivery time is, resolved from the
   * stored prepare's time.
   */
  boolean sameContentAs(StoredMessage stored) {
    return producerGroup.equals(stored.producerGroup())
        && topic.equals(stored.topic())
        && Objects.equals(tag, stored.tag())
        && Objects.equals(keys, stored.keys())
        && bodyEncoding.equals(stored.bodyEncoding())
        && Arrays.equals(body, stored.body())
        && properties.equals(stored.properties())
        && Objects.equals(deliverAtFrom(stored.createdAt()), stored.deliverAt())
        && Objects.equals(shardingKey, stored.shardingKey());
  }

  /**
   * The same test against a message not stored yet, prepared at {@code firstPreparedAt}: the first
   * of two with one id in a batch.
   */
  boolean sameContentAs(NewMessage first, Instant firstPreparedAt) {
    return producerGroup.equals(first.producerGroup())
        && topic.equals(first.topic())
        && Objects.equals(tag, first.tag())
        && Objects.equals(keys, first.keys())
        && bodyEncoding.equals(first.bodyEncoding())
        && Arrays.equals(body, first.body())
        && properties.equals(first.properties())
        && Objects.equals(deliverAtFrom(firstPreparedAt), first.deliverAtFrom(firstPreparedAt))
        && Objects.equals(shardingKey, first.shardingKey());
  }
}
