package io.halfmsg.producer.rocketmq;

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

  private RocketMqDelays() {}

  /**
   * Sets the builder's delivery time from the message's delay properties, if it has one.
   *
   * @throws IllegalArgumentException if it has more than one, or one that is not a number
   */
  static void apply(Message msg, Builder halfmsg) {
    Map<String, String> p = msg.getProperties();
    if (p == null) {
      return;
    }
    List<String> set = new ArrayList<>();
    if (p.get(MessageConst.PROPERTY_TIMER_DELIVER_MS) != null) {
      set.add("setDeliverTimeMs");
      halfmsg.deliverAt(Instant.ofEpochMilli(number(MessageConst.PROPERTY_TIMER_DELIVER_MS, p)));
    }
    if (p.get(MessageConst.PROPERTY_TIMER_DELAY_MS) != null) {
      set.add("setDelayTimeMs");
      halfmsg.deliverAfter(Duration.ofMillis(number(MessageConst.PROPERTY_TIMER_DELAY_MS, p)));
    }
    if (p.get(MessageConst.PROPERTY_TIMER_DELAY_SEC) != null) {
      set.add("setDelayTimeSec");
      halfmsg.deliverAfter(Duration.ofSeconds(number(MessageConst.PROPERTY_TIMER_DELAY_SEC, p)));
    }
    if (p.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL) != null) {
      long level = number(MessageConst.PROPERTY_DELAY_TIME_LEVEL, p);
      // As RocketMQ's broker: level 0 or less is no delay, one above the highest is the highest.
      if (level > 0) {
        set.add("setDelayTimeLevel");
        halfmsg.deliverAfter(DEFAULT_LEVELS.get((int) Math.min(level, DEFAULT_LEVELS.size()) - 1));
      }
    }
    if (set.size() > 1) {
      throw new IllegalArgumentException(
          "The message asks for more than one delay (" + String.join(", ", set) + "); set one");
    }
  }

  private static long number(String property, Map<String, String> p) {
    try {
      return Long.parseLong(p.get(property));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + " must be a number, not " + p.get(property), e);
    }
  }
}
