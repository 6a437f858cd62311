package io.halfmsg.broker.admin;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.web.Violations;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * Which messages a listing shows; every field is optional.
 *
 * @param consumerGroup messages with a delivery to this group
 * @param from created at or after this
 * @param to created before this
 */
public record MessageFilter(
    String state,
    String topic,
    String producerGroup,
    String consumerGroup,
    String messageId,
    Instant from,
    Instant to) {

  public static final MessageFilter NONE =
      new MessageFilter(null, null, null, null, null, null, null);

  /** The filter of these request parameters ({@code from}/{@code to} as ISO-8601 instants). */
  public static MessageFilter of(
      String state,
      String topic,
      String producerGroup,
      String consumerGroup,
      String messageId,
      String from,
      String to) {
    Violations v = new Violations();
    if (state != null) {
      v.check(
          Arrays.stream(MessageState.values()).anyMatch(s -> s.name().equals(state)),
          "state",
          "must be one of " + Arrays.toString(MessageState.values()));
    }
    if (topic != null) {
      v.rocketMqName(topic, "topic");
    }
    if (producerGroup != null) {
      v.rocketMqName(producerGroup, "producerGroup");
    }
    if (consumerGroup != null) {
      v.rocketMqName(consumerGroup, "consumerGroup");
    }
    if (messageId != null) {
      v.messageId(messageId, "messageId");
    }
    Instant fromAt = instant(from, "from", v);
    Instant toAt = instant(to, "to", v);
    v.throwIfAny();
    return new MessageFilter(state, topic, producerGroup, consumerGroup, messageId, fromAt, toAt);
  }

  private static Instant instant(String text, String field, Violations v) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      v.add(field, "must be an ISO-8601 instant such as 2026-01-31T23:59:00Z");
      return null;
    }
  }
}
