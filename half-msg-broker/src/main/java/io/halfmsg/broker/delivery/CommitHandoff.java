package io.halfmsg.broker.delivery;

import io.halfmsg.broker.message.StoredMessage;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What happens when a message becomes COMMITTED, whoever decided it (producer, check-back,
 * operator): in the same transaction, one delivery per subscribed consumer group; after the
 * transaction commits, the fast path forwards it to RocketMQ.
 */
@Component
public class CommitHandoff {

  private final DeliveryBatchSql deliveries;
  private final FastPathForwarder forwarder;

  CommitHandoff(DeliveryBatchSql deliveries, FastPathForwarder forwarder) {
    this.deliveries = deliveries;
    this.forwarder = forwarder;
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
    afterCommit(() -> messages.forEach(forwarder::forwardSoon));
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
