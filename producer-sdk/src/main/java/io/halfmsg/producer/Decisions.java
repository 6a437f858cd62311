package io.halfmsg.producer;

import io.halfmsg.api.BatchItemResult;
import io.halfmsg.api.DecisionRequest;
import io.halfmsg.api.MessageState;
import io.halfmsg.api.TransactionState;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.producer.ProducerMetrics.Operation;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits and rollbacks on their way to the broker: many threads' decisions share one {@code POST
 * /api/v1/decisions}, and one the broker did not take is retried with backoff for {@code
 * retryTimeout}. Should a decision never arrive, the broker's check-back decides: the local
 * transaction has ended, and check-back exists for exactly this.
 */
final class Decisions implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Decisions.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);

  private final String producerGroup;
  private final BatchingSender<DecisionRequest> sender;
  private final ProducerMetrics metrics;
  private final Duration retryTimeout;
  private final Duration maxBlock;

  Decisions(
      String producerGroup,
      BrokerApi api,
      ProducerMetrics metrics,
      BatchingSender.RetryScheduler scheduler,
      int senders,
      int maxBatch,
      int capacity,
      Duration retryTimeout,
      Duration maxBlock) {
    this.producerGroup = producerGroup;
    this.metrics = metrics;
    this.retryTimeout = retryTimeout;
    this.maxBlock = maxBlock;
    this.sender =
        new BatchingSender<>(
            "halfmsg-decisions",
            senders,
            maxBatch,
            capacity,
            new BatchingSender.Retries(Integer.MAX_VALUE, retryTimeout, FIRST_RETRY, MAX_RETRY),
            DecisionRequest::messageId,
            api::decide,
            scheduler);
  }

  /**
   * Queues the decision; completes with the state the broker confirmed, or {@link
   * MessageState#PREPARED} if it never took the decision (check-back decides then). Never completes
   * exceptionally.
   */
  CompletableFuture<MessageState> send(String messageId, TransactionState state) {
    boolean commit = state == TransactionState.COMMIT;
    DecisionRequest request =
        commit ? DecisionRequest.commit(messageId) : DecisionRequest.rollback(messageId);
    try {
      return sender.submit(request, maxBlock).thenApply(r -> outcome(r, commit));
    } catch (BatchingSender.QueueFullException e) {
      metrics.failed(commit ? Operation.COMMIT : Operation.ROLLBACK);
      log.warn("{}; leaving message {} to the broker's check-back", e.getMessage(), messageId);
      return CompletableFuture.completedFuture(MessageState.PREPARED);
    }
  }

  /** Decisions queued or waiting for a retry. */
  int backlog() {
    return sender.backlog();
  }

  private MessageState outcome(BatchItemResult r, boolean commit) {
    // Completed on a sender's thread, for a batch of other threads' decisions.
    try (LogContext ignored = LogContext.producer(r.messageId(), producerGroup)) {
      return outcomeOf(r, commit);
    }
  }

  private MessageState outcomeOf(BatchItemResult r, boolean commit) {
    Operation operation = commit ? Operation.COMMIT : Operation.ROLLBACK;
    if (r.ok()) {
      if (commit) {
        metrics.committed();
      } else {
        metrics.rolledBack();
      }
      return r.state() != null
          ? r.state()
          : commit ? MessageState.COMMITTED : MessageState.ROLLED_BACK;
    }
    metrics.failed(operation);
    if (r.status() == 409) {
      // The broker decided the other way: an operator, or a TransactionChecker that answered
      // before this local transaction ended. With the barrier table this cannot happen.
      log.error(
          "The broker refused {} of message {}: it was already decided the other way ({}). The"
              + " local transaction and the message now disagree; check the TransactionChecker.",
          operation,
          r.messageId(),
          r.detail());
      return commit ? MessageState.ROLLED_BACK : MessageState.COMMITTED;
    }
    if (r.retryable()) {
      log.warn(
          "Giving up {} of message {} after {}: {}{}; the broker's check-back will decide it",
          operation,
          r.messageId(),
          retryTimeout,
          r.status() == 0 ? "" : r.status() + " ",
          r.detail());
    } else {
      log.error(
          "The broker refused {} of message {}: {} {} {}",
          operation,
          r.messageId(),
          r.status(),
          r.type(),
          r.detail());
    }
    return MessageState.PREPARED;
  }

  /** Sends what is queued, for up to {@code patience}; the rest is left to check-back. */
  void close(Duration patience) {
    sender.close(patience);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
