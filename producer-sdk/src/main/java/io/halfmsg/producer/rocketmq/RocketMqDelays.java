package io.halfmsg.producer.rocketmq;

import io.halfmsg.producer.HalfmsgException;
import io.halfmsg.producer.Message.Builder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;

/**
 * RocketMQ's ways of delaying a message, as halfmsg delivery times: {@code setDelayTimeLevel}
 * ({@code DELAY}, RocketMQ's default levels), {@code setDelayTimeSec} / {@code setDelayTimeMs}
 * ({@code TIMER_DELAY_SEC} / {@code TIMER_DELAY_MS}) and {@code setDeliverTimeMs} ({@code
 * TIMER_DELIVER_MS}). RocketMQ's own transactional producer drops them; halfmsg's broker holds the
 * message until then instead. These are RocketMQ system properties, never copied as user
 * properties, so RocketMQ does not delay the forwarded message a second time.
 */
final class RocketMqDelays {

  /** RocketMQ's default {@code messageDelayLevel}: level 1 is 1 s, level 18 is 2 h. */
  static final List<Duration> DEFAULT_LEVELS =
      List.of(
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofMinutes(1),
          Duration.ofMinutes(2),
          Duration.ofMinutes(3),
          Duration.ofMinutes(4),
          Duration.ofMinutes(5),
          Duration.ofMinutes(6),
          Duration.ofMinutes(7),
          Duration.ofMinutes(8),
          Duration.ofMinutes(9),
          Duration.ofMinutes(10),
          Duration.ofMinutes(20),
          Duration.ofMinutes(30),
          Duration.ofHours(1),
          Duration.ofHours(2));

  /** The properties that carry a delay (at most one on a message). */
  private static final List<String> PROPERTIES =
      List.of(
          MessageConst.PROPERTY_TIMER_DELIVER_MS,
          MessageConst.PROPERTY_TIMER_DELAY_MS,
          MessageConst.PROPERTY_TIMER_DELAY_SEC,
          MessageConst.PROPERTY_DELAY_TIME_LEVEL);

  private RocketMqDelays() {}

  /**
   * Sets the builder's delivery time from the message's delay properties, if it has one.
   *
   * @throws IllegalArgumentException naming the property, if there is more than one, one that is
   *     not a number, a negative time or a level above RocketMQ's default 18
   */
  static void apply(Message msg, Builder halfmsg) {
    Map<String, String> p = msg.getProperties();
    if (p == null) {
      return;
    }
    List<String> set = new ArrayList<>();
    if (p.get(MessageConst.PROPERTY_TIMER_DELIVER_MS) != null) {
      set.add("setDeliverTimeMs (" + MessageConst.PROPERTY_TIMER_DELIVER_MS + ")");
      halfmsg.deliverAt(
          Instant.ofEpochMilli(notNegative(MessageConst.PROPERTY_TIMER_DELIVER_MS, p)));
    }
    if (p.get(MessageConst.PROPERTY_TIMER_DELAY_MS) != null) {
      set.add("setDelayTimeMs (" + MessageConst.PROPERTY_TIMER_DELAY_MS + ")");
      halfmsg.deliverAfter(Duration.ofMillis(notNegative(MessageConst.PROPERTY_TIMER_DELAY_MS, p)));
    }
    if (p.get(MessageConst.PROPERTY_TIMER_DELAY_SEC) != null) {
      set.add("setDelayTimeSec (" + MessageConst.PROPERTY_TIMER_DELAY_SEC + ")");
      long seconds = notNegative(MessageConst.PROPERTY_TIMER_DELAY_SEC, p);
      // The prepare carries milliseconds, which would overflow.
      if (seconds > Long.MAX_VALUE / 1000) {
        throw new IllegalArgumentException(
            MessageConst.PROPERTY_TIMER_DELAY_SEC + " is too large: " + seconds);
      }
      halfmsg.deliverAfter(Duration.ofSeconds(seconds));
    }
    if (p.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL) != null) {
      long level = number(MessageConst.PROPERTY_DELAY_TIME_LEVEL, p);
      // As RocketMQ's broker: level 0 or less is no delay. Above the highest, RocketMQ's broker
      // takes its highest configured level, which halfmsg cannot know: refused, not guessed.
      if (level > DEFAULT_LEVELS.size()) {
        throw new IllegalArgumentException(
            MessageConst.PROPERTY_DELAY_TIME_LEVEL
                + " must be a delay level from 1 to "
                + DEFAULT_LEVELS.size()
                + " (RocketMQ's default levels, 1 s to 2 h) or 0 for none, not "
                + level);
      }
      if (level > 0) {
        set.add("setDelayTimeLevel (" + MessageConst.PROPERTY_DELAY_TIME_LEVEL + ")");
        halfmsg.deliverAfter(DEFAULT_LEVELS.get((int) level - 1));
      }
    }
    if (set.size() > 1) {
      throw new IllegalArgumentException(
          "The message asks for more than one delay (" + String.join(", ", set) + "); set one");
    }
  }

  /**
   * The delay property the broker's refusal of the prepare is about, as {@code " (set by NAME)"},
   * or an empty string: the broker names its own fields ({@code deliverAfterMs}, {@code
   * deliverAt}), which the sender never wrote.
   */
  static String refusedProperty(Message msg, HalfmsgException refusal) {
    String detail = refusal.getMessage();
    if (refusal.status() != 400
        || detail == null
        || !(detail.contains("deliverAfterMs") || detail.contains("deliverAt"))) {
      return "";
    }
    for (String property : PROPERTIES) {
      if (msg.getProperty(property) != null) {
        return " (set by " + property + ")";
      }
    }
    return "";
  }

  private static long notNegative(String property, Map<String, String> p) {
    long value = number(property, p);
    if (value < 0) {
      throw new IllegalArgumentException(property + " must not be negative, not " + value);
    }
    return value;
  }

  private static long number(String property, Map<String, String> p) {
    try {
      return Long.parseLong(p.get(property));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + " must be a number, not " + p.get(property), e);
    }
  }
}
