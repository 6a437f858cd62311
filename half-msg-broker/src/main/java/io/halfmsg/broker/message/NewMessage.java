package io.halfmsg.broker.message;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A validated prepare request.
 *
 * @param checkAfter the producer's own delay before the first check-back, or null for the default
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
    String shardingKey) {

  /**
   * Whether a stored message has this content: the test that tells a retried prepare (200) from a
   * reused id (409). The check-back delay is not content.
   */
  boolean sameContentAs(StoredMessage stored) {
    return producerGroup.equals(stored.producerGroup())
        && topic.equals(stored.topic())
        && Objects.equals(tag, stored.tag())
        && Objects.equals(keys, stored.keys())
        && bodyEncoding.equals(stored.bodyEncoding())
        && Arrays.equals(body, stored.body())
        && properties.equals(stored.properties())
        && Objects.equals(shardingKey, stored.shardingKey());
  }

  /** The same test against a message not stored yet: the first of two with one id in a batch. */
  boolean sameContentAs(NewMessage other) {
    return producerGroup.equals(other.producerGroup())
        && topic.equals(other.topic())
        && Objects.equals(tag, other.tag())
        && Objects.equals(keys, other.keys())
        && bodyEncoding.equals(other.bodyEncoding())
        && Arrays.equals(body, other.body())
        && properties.equals(other.properties())
        && Objects.equals(shardingKey, other.shardingKey());
  }
}
