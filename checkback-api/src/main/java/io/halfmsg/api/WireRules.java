package io.halfmsg.api;

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

  private WireRules() {}

  public static boolean isMessageId(String s) {
    return s != null && MESSAGE_ID.matcher(s).matches();
  }

  public static boolean isRocketMqName(String s) {
    return s != null && ROCKETMQ_NAME.matcher(s).matches();
  }
}
