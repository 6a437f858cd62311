package io.halfmsg.consumer;

import java.sql.Connection;

/**
 * Applies one message to the consumer's own database.
 *
 * <p>It runs inside the local transaction that also holds the message's dedupe row: do the database
 * work through {@code connection} (do not commit, roll back or close it) and it commits together
 * with the dedupe row, or not at all. Throw to roll everything back; the message is then not acked
 * and the broker sends it again after the ack timeout. A message whose dedupe row already exists
 * never reaches the handler.
 *
 * <p>The transaction may hold the other messages of the RocketMQ batch too ({@link
 * HalfmsgConsumer.Builder#consumeBatchSize(int)}): their handlers run one after the other on the
 * same connection and commit together. If one throws, the whole batch rolls back and each message
 * is handled again in a transaction of its own, so a handler may be called twice for one message,
 * its first call rolled back. Its database work takes effect once; work outside the database must
 * tolerate the repeat, as it must tolerate any redelivery.
 *
 * <p>This is halfmsg's counterpart of a RocketMQ {@code MessageListenerConcurrently} that returns
 * {@code CONSUME_SUCCESS} on success and {@code RECONSUME_LATER} on an exception.
 *
 * @param <T> the payload type the message body is converted to
 */
@FunctionalInterface
public interface MessageHandler<T> {

  /**
   * @param payload the message body converted to the subscribed payload type
   * @param message the message's id, topic, tag, keys, properties and delivery information
   * @param connection the connection of the local transaction
   * @throws Exception to roll back and have the message redelivered later
   */
  void handle(T payload, ReceivedMessage message, Connection connection) throws Exception;
}
