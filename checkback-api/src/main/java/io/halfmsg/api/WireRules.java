package io.halfmsg.api;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The wire contract's rules for ids and names, in one place for the broker and both SDKs: a rule
 * that differed between them would let one side accept what the other refuses.
 */
public final class WireRules {

  /**
   * Message ids: at most 64 characters of {@code [A-Za-z0-9._:-]}, but not {@code .} or {@code ..},
   * which a URL path ({@code /messages/{id}/commit}) cannot carry as a segment.
   */
  public static final Pattern MESSAGE_ID = Pattern.compile("^(?!\\.{1,2}$)[A-Za-z0-9._:-]{1,64}$");

  /**
   * Topic and group names, by RocketMQ's rules: at most 127 characters of {@code [%a-zA-Z0-9_-]}.
   */
  public static final Pattern ROCKETMQ_NAME = Pattern.compile("^[%a-zA-Z0-9_-]{1,127}$");

  /**
   * The most items one batch request ({@code messages:batch}, {@code decisions}, acks) may carry.
   */
  public static final int MAX_BATCH_ITEMS = 1000;

  /** The longest user property name, in chars. */
  public static final int MAX_PROPERTY_NAME_LENGTH = 64;

  /** The longest user property value, in chars. */
  public static final int MAX_PROPERTY_VALUE_LENGTH = 4096;

  /**
   * RocketMQ's system property names ({@code MessageConst.STRING_HASH_SET} of RocketMQ 5.3), which
   * RocketMQ itself refuses as user properties. Copied, since the plain SDK does not depend on
   * RocketMQ; a test compares it with RocketMQ's.
   */
  public static final Set<String> ROCKETMQ_SYSTEM_PROPERTIES =
      Set.of(
          "1ST_POP_TIME",
          "ARRIVE_TIME",
          "BORN_TIMESTAMP",
          "BUYER_ID",
          "CLUSTER",
          "CONSUME_START_TIME",
          "CORRECTION_FLAG",
          "CORRELATION_ID",
          "DELAY",
          "DLQ_ORIGIN_MESSAGE_ID",
          "DLQ_ORIGIN_TOPIC",
          "DUP_INFO",
          "EXTEND_UNIQ_INFO",
          "INNER_MULTI_QUEUE_OFFSET",
          "INSTANCE_ID",
          "KEYS",
          "MAX_OFFSET",
          "MAX_RECONSUME_TIMES",
          "MIN_OFFSET",
          "MQ2_FLAG",
          "MSG_REGION",
          "MSG_TYPE",
          "ORIGIN_MESSAGE_ID",
          "PGROUP",
          "POP_CK",
          "POP_CK_OFFSET",
          "PUSH_REPLY_TIME",
          "REAL_QID",
          "REAL_TOPIC",
          "RECONSUME_TIME",
          "REPLY_TO_CLIENT",
          "RETRY_TOPIC",
          "TAGS",
          "TIMER_DELAY_LEVEL",
          "TIMER_DELAY_MS",
          "TIMER_DELAY_SEC",
          "TIMER_DELIVER_MS",
          "TIMER_DEL_UNIQKEY",
          "TIMER_DEQUEUE_MS",
          "TIMER_ENQUEUE_MS",
          "TIMER_OUT_MS",
          "TIMER_ROLL_TIMES",
          "TRACE_ON",
          "TRANSFER_FLAG",
          "TRAN_MSG",
          "TRAN_PREPARED_QUEUE_OFFSET",
          "TTL",
          "UNIQ_KEY",
          "WAIT",
          "__BORNHOST",
          "__CRC32#");

  // RocketMQ's MessageConst.NAME_VALUE_SEPARATOR and PROPERTY_SEPARATOR: its wire format joins
  // properties with them, so a name or value holding one would be cut apart.
  private static final char NAME_VALUE_SEPARATOR = 1;
  private static final char PROPERTY_SEPARATOR = 2;

  private WireRules() {}

  /**
   * Whether {@code name} is a user property name as RocketMQ accepts one: not blank, at most {@link
   * #MAX_PROPERTY_NAME_LENGTH} chars, without RocketMQ's separators (chars 1 and 2). Anything else
   * goes: {@code order:id}, {@code my key}, {@code 名字}. Reserved names are {@link
   * #isReservedPropertyName}'s concern.
   */
  public static boolean isPropertyName(String name) {
    return name != null
        && !name.isBlank()
        && name.length() <= MAX_PROPERTY_NAME_LENGTH
        && !hasSeparator(name);
  }

  /**
   * Whether {@code name} is RocketMQ's (a {@linkplain #ROCKETMQ_SYSTEM_PROPERTIES system property})
   * or halfmsg's (prefix {@link RocketMqHeaders#RESERVED_PREFIX}): not for users to set.
   */
  public static boolean isReservedPropertyName(String name) {
    return ROCKETMQ_SYSTEM_PROPERTIES.contains(name)
        || name.startsWith(RocketMqHeaders.RESERVED_PREFIX);
  }

  /**
   * Whether {@code value} is a user property value: at most {@link #MAX_PROPERTY_VALUE_LENGTH}
   * chars without RocketMQ's separators.
   */
  public static boolean isPropertyValue(String value) {
    return value != null && value.length() <= MAX_PROPERTY_VALUE_LENGTH && !hasSeparator(value);
  }

  /**
   * Checks a user property by the rules above, for the SDKs' builders.
   *
   * @throws IllegalArgumentException naming the rule broken
   */
  public static void requireProperty(String name, String value) {
    if (!isPropertyName(name)) {
      throw new IllegalArgumentException(
          "Property names are 1 to "
              + MAX_PROPERTY_NAME_LENGTH
              + " characters, not blank, without RocketMQ's separators (chars 1 and 2): "
              + name);
    }
    if (isReservedPropertyName(name)) {
      throw new IllegalArgumentException(
          "Property name " + name + " is reserved by RocketMQ or halfmsg (HALFMSG_*)");
    }
    if (!isPropertyValue(value)) {
      throw new IllegalArgumentException(
          "The value of property "
              + name
              + " must be at most "
              + MAX_PROPERTY_VALUE_LENGTH
              + " characters without RocketMQ's separators (chars 1 and 2)");
    }
  }

  private static boolean hasSeparator(String s) {
    return s.indexOf(NAME_VALUE_SEPARATOR) >= 0 || s.indexOf(PROPERTY_SEPARATOR) >= 0;
  }

  /** The longest sharding key, in chars. */
  public static final int MAX_SHARDING_KEY_LENGTH = 128;

  /**
   * Whether {@code s} is a sharding key: 1 to {@link #MAX_SHARDING_KEY_LENGTH} chars, not blank,
   * without control characters (it is shown in logs, the console and the admin API).
   */
  public static boolean isShardingKey(String s) {
    return s != null
        && !s.isBlank()
        && s.length() <= MAX_SHARDING_KEY_LENGTH
        && s.chars().noneMatch(Character::isISOControl);
  }

  public static boolean isMessageId(String s) {
    return s != null && MESSAGE_ID.matcher(s).matches();
  }

  public static boolean isRocketMqName(String s) {
    return s != null && ROCKETMQ_NAME.matcher(s).matches();
  }
}
