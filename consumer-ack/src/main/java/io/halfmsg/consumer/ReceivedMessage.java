package io.halfmsg.consumer;

import io.halfmsg.api.RocketMqHeaders;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageClientExt;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

/** A message as a handler receives it: halfmsg's id, the RocketMQ metadata and the raw body. */
public final class ReceivedMessage {

  private final String messageId;
  private final String consumerGroup;
  private final String topic;
  private final String tag;
  private final List<String> keys;
  private final Map<String, String> properties;
  private final byte[] body;
  private final String rocketMqMessageId;
  private final boolean redelivery;
  private final int reconsumeTimes;
  private final String shardingKey;

  private ReceivedMessage(String messageId, String consumerGroup, MessageExt m) {
    this.messageId = messageId;
    this.consumerGroup = consumerGroup;
    this.topic = m.getTopic();
    this.tag = m.getTags();
    String k = m.getKeys();
    this.keys =
        k == null || k.isBlank()
            ? List.of()
            : Arrays.stream(k.split(MessageConst.KEY_SEPARATOR)).filter(s -> !s.isEmpty()).toList();
    Map<String, String> user = new HashMap<>();
    m.getProperties()
        .forEach(
            (name, value) -> {
              if (!MessageConst.STRING_HASH_SET.contains(name)) {
                user.put(name, value);
              }
            });
    this.properties = Map.copyOf(user);
    this.body = m.getBody() == null ? new byte[0] : m.getBody();
    // getMsgId() is the halfmsg id on every copy (the broker sets it as RocketMQ's unique key);
    // the offset id tells the copies apart.
    this.rocketMqMessageId =
        m instanceof MessageClientExt copy && copy.getOffsetMsgId() != null
            ? copy.getOffsetMsgId()
            : m.getMsgId();
    this.redelivery = m.getProperty(MessageConst.PROPERTY_RETRY_TOPIC) != null;
    this.reconsumeTimes = m.getReconsumeTimes();
    this.shardingKey = m.getProperty(MessageConst.PROPERTY_SHARDING_KEY);
  }

  static ReceivedMessage of(String messageId, String consumerGroup, MessageExt m) {
    return new ReceivedMessage(messageId, consumerGroup, m);
  }

  /** The halfmsg message id ({@value RocketMqHeaders#MESSAGE_ID}): the key of dedupe and ack. */
  public String messageId() {
    return messageId;
  }

  /** The consumer group receiving the message. */
  public String consumerGroup() {
    return consumerGroup;
  }

  /** The topic the producer sent to (also for redeliveries, which travel on the retry topic). */
  public String topic() {
    return topic;
  }

  /** The RocketMQ tag, or {@code null}. */
  public String tag() {
    return tag;
  }

  /** The RocketMQ keys, possibly empty. */
  public List<String> keys() {
    return keys;
  }

  /**
   * The user properties the producer set, plus halfmsg's own ({@value
   * RocketMqHeaders#RESERVED_PREFIX}…); RocketMQ's system properties are left out.
   */
  public Map<String, String> properties() {
    return properties;
  }

  /**
   * The sharding key the producer prepared the message with (RocketMQ 5's message group), or {@code
   * null} for an unordered message. The broker hands a key's messages over one at a time, in the
   * order they were prepared.
   */
  public String shardingKey() {
    return shardingKey;
  }

  /** The raw body. */
  public byte[] body() {
    return body.clone();
  }

  /**
   * RocketMQ's id of this copy of the message (its offset message id); each redelivery has a new
   * one. RocketMQ's {@code MessageExt#getMsgId()} is the halfmsg {@link #messageId()} instead.
   */
  public String rocketMqMessageId() {
    return rocketMqMessageId;
  }

  /**
   * Whether this copy is a redelivery by the broker (sent to this group only because it did not ack
   * in time, or replayed by an operator) rather than the first delivery.
   */
  public boolean redelivery() {
    return redelivery;
  }

  /**
   * RocketMQ's reconsume count. halfmsg does not use RocketMQ's own retries, so this stays 0; see
   * {@link #redelivery()}.
   */
  public int reconsumeTimes() {
    return reconsumeTimes;
  }

  @Override
  public String toString() {
    return "ReceivedMessage[messageId="
        + messageId
        + ", consumerGroup="
        + consumerGroup
        + ", topic="
        + topic
        + ", tag="
        + tag
        + ", redelivery="
        + redelivery
        + "]";
  }
}
