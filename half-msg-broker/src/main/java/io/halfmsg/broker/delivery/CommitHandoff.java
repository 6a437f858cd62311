package io.halfmsg.broker.delivery;

import io.halfmsg.broker.message.StoredMessage;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What happens when a message is decided, whoever decided it (producer, check-back, operator). A
 * commit: in the same transaction, one delivery per subscribed consumer group, and a message behind
 * the head of its sharding key held back; after the transaction commits, the fast path forwards it
 * to RocketMQ (unless held). A rollback: its sharding key goes on to the next message.
 */
@Component
public class CommitHandoff {

  private final DeliveryBatchSql deliveries;
  private final FastPathForwarder forwarder;
  private final KeyQueue keys;
  private final KeyHandover handover;

  CommitHandoff(
      DeliveryBatchSql deliveries,
      FastPathForwarder forwarder,
      KeyQueue keys,
      KeyHandover handover) {
    this.deliveries = deliveries;
    this.forwarder = forwarder;
    this.keys = keys;
    this.handover = handover;
  }

  /** Call inside the transaction that made the message COMMITTED. */
  public void committed(String messageId, Instant now) {
    committed(List.of(messageId), now);
  }

  /** Call inside the transaction that made these messages COMMITTED. */
  public void committed(List<String> messageIds, Instant now) {
    if (messageIds.isEmpty()) {
      return;
    }
    deliveries.insertForSubscribers(messageIds, now);
    // These paths (check-back, operator) do not have the rows: one look at the key queue.
    keys.holdBack(messageIds);
    afterCommit(() -> messageIds.forEach(forwarder::forwardSoon));
  }

  /**
   * Call inside the transaction that read these messages and made them COMMITTED, with the messages
   * as they are now: the fast path sends them without reading them again.
   */
  public void committedAsRead(List<StoredMessage> messages, Instant now) {
    if (messages.isEmpty()) {
      return;
    }
    deliveries.insertForSubscribers(messages.stream().map(StoredMessage::messageId).toList(), now);
    List<String> keyed =
        messages.stream()
            .filter(m -> m.shardingKey() != null)
            .map(StoredMessage::messageId)
            .toList();
    keys.holdBack(keyed);
    afterCommit(() -> messages.forEach(forwarder::forwardSoon));
  }

  /**
   * Call inside the transaction that made these messages ROLLED_BACK or CANCELLED: they never reach
   * a consumer.
   */
  public void withdrawn(List<String> messageIds, Instant now) {
    if (!messageIds.isEmpty()) {
      handover.releaseInTransaction(messageIds, now);
    }
  }

  private static void afterCommit(Runnable action) {
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            action.run();
          }
        });
  }
}
