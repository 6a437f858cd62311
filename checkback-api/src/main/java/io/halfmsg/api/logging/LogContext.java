package io.halfmsg.api.logging;

import org.slf4j.MDC;

/**
 * Puts a message's id and group in SLF4J's MDC for the work done on it, in the broker and in the
 * SDKs alike, so that one search finds a message's whole path (prepare, local transaction,
 * check-back, commit, send, apply, ack) in every process's logs; structured (JSON) logging shows
 * the keys as fields. The keys are prefixed, so they never take the place of an application's own
 * MDC entries, and closing a context puts back what the keys held before: contexts nest.
 *
 * <pre>{@code
 * try (LogContext ignored = LogContext.producer(messageId, producerGroup)) {
 *   ...
 * }
 * }</pre>
 */
public final class LogContext implements AutoCloseable {

  /** The message's id. */
  public static final String MESSAGE_ID = "halfmsg.messageId";

  /** The producer group of the message, where the work is the producer's. */
  public static final String PRODUCER_GROUP = "halfmsg.producerGroup";

  /** The consumer group, where the work is one group's delivery of the message. */
  public static final String CONSUMER_GROUP = "halfmsg.consumerGroup";

  private final String groupKey;
  private final String previousId;
  private final String previousGroup;

  private LogContext(String messageId, String groupKey, String group) {
    this.groupKey = groupKey;
    this.previousId = MDC.get(MESSAGE_ID);
    this.previousGroup = MDC.get(groupKey);
    set(MESSAGE_ID, messageId);
    set(groupKey, group);
  }

  /** Work of a producer group on one message: prepare, local transaction, decision, check-back. */
  public static LogContext producer(String messageId, String producerGroup) {
    return new LogContext(messageId, PRODUCER_GROUP, producerGroup);
  }

  /** Work on one consumer group's delivery of a message: send, apply, ack. */
  public static LogContext consumer(String messageId, String consumerGroup) {
    return new LogContext(messageId, CONSUMER_GROUP, consumerGroup);
  }

  @Override
  public void close() {
    set(MESSAGE_ID, previousId);
    set(groupKey, previousGroup);
  }

  private static void set(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
