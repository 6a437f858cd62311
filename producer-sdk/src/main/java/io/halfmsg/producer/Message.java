package io.halfmsg.producer;

import io.halfmsg.api.WireRules;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message to send in a transaction: what becomes a RocketMQ message once the local transaction
 * commits. Immutable.
 *
 * <pre>{@code
 * Message m = Message.builder("repo_deduction")
 *     .tag("deduct")
 *     .keys(order.orderNo())
 *     .body(json)
 *     .build();
 * }</pre>
 *
 * <p>The {@linkplain #messageId() message id} is chosen by the producer when the message is sent (a
 * time-ordered UUIDv7) unless the builder sets one; the message handed to a {@link
 * LocalTransaction} always has it.
 */
public final class Message {

  private final String messageId;
  private final String topic;
  private final String tag;
  private final String keys;
  private final byte[] body;
  private final Map<String, String> properties;
  private final Duration checkAfter;
  private final Duration deliverAfter;
  private final Instant deliverAt;
  private final String shardingKey;

  private Message(Builder b) {
    this.messageId = b.messageId;
    this.topic = Objects.requireNonNull(b.topic, "topic");
    this.tag = b.tag;
    this.keys = b.keys;
    this.body = Objects.requireNonNull(b.body, "body").clone();
    if (body.length == 0) {
      throw new IllegalArgumentException("body must not be empty");
    }
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
    this.checkAfter = b.checkAfter;
    this.deliverAfter = b.deliverAfter;
    this.deliverAt = b.deliverAt;
    this.shardingKey = b.shardingKey;
  }

  /** Starts a message to {@code topic}. */
  public static Builder builder(String topic) {
    return new Builder(topic);
  }

  /** A message to {@code topic} with a UTF-8 text body and nothing else. */
  public static Message of(String topic, String body) {
    return builder(topic).body(body).build();
  }

  /** The message id, or {@code null} if the producer is still to choose it. */
  public String messageId() {
    return messageId;
  }

  public String topic() {
    return topic;
  }

  /** The RocketMQ tag, or {@code null}. */
  public String tag() {
    return tag;
  }

  /** The RocketMQ keys (space separated), or {@code null}. */
  public String keys() {
    return keys;
  }

  /** A copy of the body bytes. */
  public byte[] body() {
    return body.clone();
  }

  /** The body decoded as UTF-8. */
  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** User properties, copied onto the RocketMQ message. */
  public Map<String, String> properties() {
    return properties;
  }

  /** This message's delay before the first check-back, or {@code null} for the broker default. */
  public Duration checkAfter() {
    return checkAfter;
  }

  /**
   * How long after its prepare the broker forwards this message at the earliest once committed, or
   * {@code null}.
   */
  public Duration deliverAfter() {
    return deliverAfter;
  }

  /** When the broker forwards this message at the earliest once committed, or {@code null}. */
  public Instant deliverAt() {
    return deliverAt;
  }

  /**
   * The key whose messages of this topic every consumer group applies in prepare order, or {@code
   * null} for none.
   */
  public String shardingKey() {
    return shardingKey;
  }

  /** A builder that starts from this message. */
  public Builder toBuilder() {
    Builder b = new Builder(topic);
    b.messageId = messageId;
    b.tag = tag;
    b.keys = keys;
    b.body = body;
    b.properties.putAll(properties);
    b.checkAfter = checkAfter;
    b.deliverAfter = deliverAfter;
    b.deliverAt = deliverAt;
    b.shardingKey = shardingKey;
    return b;
  }

  /** The same message with the given id. */
  public Message withMessageId(String id) {
    return toBuilder().messageId(id).build();
  }

  byte[] bodyBytes() {
    return body;
  }

  @Override
  public String toString() {
    return "Message[id="
        + messageId
        + ", topic="
        + topic
        + ", tag="
        + tag
        + ", keys="
        + keys
        + ", "
        + body.length
        + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message m
        && Objects.equals(messageId, m.messageId)
        && topic.equals(m.topic)
        && Objects.equals(tag, m.tag)
        && Objects.equals(keys, m.keys)
        && Arrays.equals(body, m.body)
        && properties.equals(m.properties)
        && Objects.equals(checkAfter, m.checkAfter)
        && Objects.equals(deliverAfter, m.deliverAfter)
        && Objects.equals(deliverAt, m.deliverAt)
        && Objects.equals(shardingKey, m.shardingKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(messageId, topic, tag, keys, Arrays.hashCode(body));
  }

  /** Builds a {@link Message}; {@code body} is required. */
  public static final class Builder {
    private String messageId;
    private final String topic;
    private String tag;
    private String keys;
    private byte[] body;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Duration checkAfter;
    private Duration deliverAfter;
    private Instant deliverAt;
    private String shardingKey;

    private Builder(String topic) {
      this.topic = Objects.requireNonNull(topic, "topic");
    }

    /**
     * Sets the message id instead of letting the producer generate one: at most 64 characters of
     * {@code [A-Za-z0-9._:-]}, unique, and preferably time-ordered.
     */
    public Builder messageId(String messageId) {
      if (messageId != null && !WireRules.isMessageId(messageId)) {
        throw new IllegalArgumentException(
            "messageId must be 1 to 64 characters of [A-Za-z0-9._:-]: " + messageId);
      }
      this.messageId = messageId;
      return this;
    }

    public Builder tag(String tag) {
      this.tag = tag;
      return this;
    }

    public Builder keys(String keys) {
      this.keys = keys;
      return this;
    }

    /** A text body, sent as UTF-8. */
    public Builder body(String body) {
      this.body = Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** A binary body; copied. */
    public Builder body(byte[] body) {
      this.body = Objects.requireNonNull(body, "body").clone();
      return this;
    }

    /**
     * A user property, copied onto the RocketMQ message. Names are what RocketMQ accepts (e.g.
     * {@code order:id}, {@code my key}, {@code 名字}): not blank, at most 64 characters, neither
     * RocketMQ's system property names ({@code KEYS}, {@code TAGS}, {@code UNIQ_KEY}, …) nor {@code
     * HALFMSG_*}; names and values (at most 4096 characters) without RocketMQ's separators, chars 1
     * and 2.
     *
     * @throws IllegalArgumentException if the name or value breaks these rules
     */
    public Builder property(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      WireRules.requireProperty(name, value);
      properties.put(name, value);
      return this;
    }

    public Builder properties(Map<String, String> properties) {
      properties.forEach(this::property);
      return this;
    }

    /**
     * Orders this message with the others of its topic and key: every consumer group applies them
     * in the order they were prepared, each once; an earlier one not yet resolved, or waiting for
     * an operator, holds the later ones back. Messages of different keys never wait for each other.
     * Prepares of one key sent at the same time from different threads have no defined order. At
     * most 128 characters, not blank, without control characters; {@code null} for none.
     *
     * @throws IllegalArgumentException if the key breaks these rules
     */
    public Builder shardingKey(String shardingKey) {
      if (shardingKey != null && !WireRules.isShardingKey(shardingKey)) {
        throw new IllegalArgumentException(
            "shardingKey must be 1 to 128 characters, not blank, without control characters");
      }
      this.shardingKey = shardingKey;
      return this;
    }

    /**
     * How long after prepare the broker first asks about this message if it hears nothing; {@code
     * null} (the default) leaves it to the broker's {@code halfmsg.check-back.first-check-after}.
     */
    public Builder checkAfter(Duration checkAfter) {
      if (checkAfter != null && checkAfter.isNegative()) {
        throw new IllegalArgumentException("checkAfter must not be negative: " + checkAfter);
      }
      this.checkAfter = checkAfter;
      return this;
    }

    /**
     * Delayed delivery: once committed, the broker holds the message and forwards it to RocketMQ no
     * earlier than {@code delay} after its prepare (at most the broker's {@code
     * halfmsg.delivery.max-delay}, 40 days by default). Replaces a {@link #deliverAt}; {@code null}
     * for none.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder deliverAfter(Duration delay) {
      if (delay != null && delay.isNegative()) {
        throw new IllegalArgumentException("deliverAfter must not be negative: " + delay);
      }
      this.deliverAfter = delay;
      if (delay != null) {
        this.deliverAt = null;
      }
      return this;
    }

    /**
     * Delayed delivery: once committed, the broker holds the message and forwards it to RocketMQ no
     * earlier than {@code time} (a time past means at once; at most the broker's {@code
     * halfmsg.delivery.max-delay} ahead). Replaces a {@link #deliverAfter}; {@code null} for none.
     *
     * @throws IllegalArgumentException if before the epoch
     */
    public Builder deliverAt(Instant time) {
      if (time != null && time.isBefore(Instant.EPOCH)) {
        throw new IllegalArgumentException("deliverAt must not be before the epoch: " + time);
      }
      this.deliverAt = time;
      if (time != null) {
        this.deliverAfter = null;
      }
      return this;
    }

    public Message build() {
      return new Message(this);
    }
  }
}
