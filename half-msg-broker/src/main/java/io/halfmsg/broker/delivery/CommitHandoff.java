package io.halfmsg.broker.delivery;

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
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            messageIds.forEach(forwarder::forwardSoon);
          }
        });
  }
}
