package io.halfmsg.broker.retention;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.delivery.DeliveryFailures;
import io.halfmsg.broker.history.MessageHistory;
import io.halfmsg.broker.message.ExpiredMessage;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.broker.periodic.PeriodicJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes rolled-back messages, and forwarded messages every group acked, once {@code
 * halfmsg.retention} has passed, in small batches each in its own short transaction. A message with
 * a DEAD or unacked delivery is kept and looked at again an hour later: nothing undelivered is ever
 * deleted.
 */
@Component
class RetentionJob implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
  private static final int BATCH = 200;
  private static final Duration RECHECK_KEPT_AFTER = Duration.ofHours(1);

  private final MessageStore messages;
  private final RetentionMapper deliveries;
  private final MessageHistory history;
  private final DeliveryFailures failures;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final PeriodicJob job;

  RetentionJob(
      MessageStore messages,
      RetentionMapper deliveries,
      MessageHistory history,
      DeliveryFailures failures,
      TransactionTemplate transaction,
      Clock clock,
      RetentionProperties properties) {
    this.messages = messages;
    this.deliveries = deliveries;
    this.history = history;
    this.failures = failures;
    this.transaction = transaction;
    this.clock = clock;
    Duration interval = properties.retentionInterval();
    this.job =
        new PeriodicJob(
            "halfmsg-retention",
            interval,
            interval,
            this::purgeAndLog,
            e -> log.warn("Retention pass failed; retrying at the next run", e));
  }

  /** Runs one pass; returns how many messages it deleted. */
  int purge() {
    int deleted = 0;
    for (MessageState state :
        List.of(MessageState.ROLLED_BACK, MessageState.CANCELLED, MessageState.FORWARDED)) {
      Batch batch;
      do {
        batch = purgeBatch(state);
        deleted += batch.deleted();
      } while (batch.looked() == BATCH);
    }
    return deleted;
  }

  private record Batch(int looked, int deleted) {}

  private Batch purgeBatch(MessageState state) {
    return transaction.execute(
        status -> {
          Instant now = clock.instant();
          List<ExpiredMessage> expired = messages.lockExpired(state, now, BATCH);
          if (expired.isEmpty()) {
            return new Batch(0, 0);
          }
          Set<String> undelivered =
              new HashSet<>(
                  deliveries.findWithUnackedDeliveries(
                      expired.stream().map(ExpiredMessage::messageId).toList()));
          List<Long> deleteIds = new ArrayList<>();
          List<String> deleteMessageIds = new ArrayList<>();
          List<Long> keepIds = new ArrayList<>();
          for (ExpiredMessage m : expired) {
            if (undelivered.contains(m.messageId())) {
              keepIds.add(m.id());
            } else {
              deleteIds.add(m.id());
              deleteMessageIds.add(m.messageId());
            }
          }
          if (!keepIds.isEmpty()) {
            messages.postpone(keepIds, now.plus(RECHECK_KEPT_AFTER));
          }
          if (!deleteIds.isEmpty()) {
            deliveries.deleteDeliveries(deleteMessageIds);
            history.deleteOf(deleteMessageIds);
            failures.deleteOf(deleteMessageIds);
            messages.deleteExpired(deleteIds);
          }
          return new Batch(expired.size(), deleteIds.size());
        });
  }

  private void purgeAndLog() {
    int n = purge();
    if (n > 0) {
      log.debug("Retention deleted {} messages", n);
    }
  }

  @Override
  public void start() {
    job.start();
  }

  @Override
  public void stop() {
    job.stop();
  }

  @Override
  public boolean isRunning() {
    return job.isRunning();
  }
}
