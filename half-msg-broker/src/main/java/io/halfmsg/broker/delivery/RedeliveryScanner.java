package io.halfmsg.broker.delivery;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.broker.history.MessageHistory;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.broker.message.StoredMessage;
import io.halfmsg.broker.rocketmq.RocketMqSender;
import io.halfmsg.broker.scan.ClaimingScanner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends a delivery again when its consumer group did not ack within the ack timeout, to that group
 * only, waiting twice as long after each send; after the group's {@code maxAttempts} sends the
 * delivery is DEAD until an operator replays it. A delivery whose message is not in RocketMQ yet is
 * not sent: it waits for the forward, which sends the message to every group.
 */
@Component
class RedeliveryScanner extends ClaimingScanner<DueDelivery, DueDelivery> {

  private static final Logger log = LoggerFactory.getLogger(RedeliveryScanner.class);
  private static final int MAX_ERROR_LENGTH = 500;
  private static final String MESSAGE_GONE = "the message no longer exists";

  /** A delivery's last error while it waits for its message to be stored in RocketMQ. */
  static final String AWAITS_FORWARD = "not stored in RocketMQ yet; waits for its forward";

  private final DeliveryMapper mapper;
  private final MessageHistory history;
  private final DeliveryFailures failures;
  private final MessageStore messages;
  private final RocketMqSender sender;
  private final DeliveryProperties properties;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Counter redelivered;
  private final Counter dead;
  private final KeyQueue keys;

  RedeliveryScanner(
      DeliveryMapper mapper,
      KeyQueue keys,
      MessageHistory history,
      DeliveryFailures failures,
      MessageStore messages,
      RocketMqSender sender,
      TransactionTemplate transaction,
      DeliveryProperties properties,
      Clock clock,
      MeterRegistry meters) {
    super(
        "halfmsg-redelivery",
        new Settings(
            properties.pollInterval(),
            properties.batchSize(),
            properties.concurrency(),
            properties.lease(),
            properties.enabled() && sender.enabled()),
        transaction,
        clock);
    this.mapper = mapper;
    this.keys = keys;
    this.history = history;
    this.failures = failures;
    this.messages = messages;
    this.sender = sender;
    this.properties = properties;
    this.transaction = transaction;
    this.clock = clock;
    this.redelivered =
        Counter.builder("halfmsg.deliveries.redelivered")
            .description("Deliveries sent again because their group did not ack in time")
            .register(meters);
    this.dead =
        Counter.builder("halfmsg.deliveries.dead")
            .description("Deliveries that reached max attempts without an ack")
            .register(meters);
  }

  @Override
  protected List<DueDelivery> lockDue(Instant now, int limit) {
    return mapper.lockDueDeliveries(now, limit);
  }

  @Override
  protected long idOf(DueDelivery row) {
    return row.id();
  }

  @Override
  protected int extendLease(List<Long> ids, Instant leaseUntil) {
    return mapper.extendDeliveryLease(ids, leaseUntil);
  }

  @Override
  protected List<DueDelivery> toWork(List<DueDelivery> claimed, Instant now) {
    return claimed;
  }

  @Override
  protected LogContext logContext(DueDelivery d) {
    return LogContext.consumer(d.messageId(), d.consumerGroup());
  }

  @Override
  protected void process(DueDelivery d) {
    Instant claimedAt = clock.instant();
    Optional<StoredMessage> message = messages.find(d.messageId());
    if (message.isPresent()
        && message.get().shardingKey() != null
        && !keys.heldBack(List.of(d.messageId())).isEmpty()) {
      // Not this message's turn: an earlier one of its key is not done. It waits with its key,
      // uncounted, until the key's release re-arms it (which looks for this hold).
      mapper.holdDelivery(d.id(), d.version(), KeyQueue.HELD);
      return;
    }
    if (message.isPresent() && waitsForForward(d, message.get(), claimedAt)) {
      return;
    }
    if (d.attempts() >= d.maxAttempts()) {
      // The state change and its history lines commit together, or neither does.
      boolean markedDead =
          Boolean.TRUE.equals(
              transaction.execute(
                  status -> {
                    if (mapper.markDead(d.id(), d.version()) != 1) {
                      return false;
                    }
                    recordUnacked(d, claimedAt);
                    history.record(
                        d.messageId(),
                        MessageHistory.DEAD,
                        d.consumerGroup(),
                        "after " + d.attempts() + " attempts without an ack");
                    return true;
                  }));
      if (markedDead) {
        dead.increment();
        log.warn(
            "Delivery of {} to consumer group {} is DEAD after {} attempts without an ack; replay"
                + " it with POST /api/v1/deliveries/replay",
            d.messageId(),
            d.consumerGroup(),
            d.attempts());
      }
      return;
    }
    String error = null;
    Exception failure = null;
    try {
      if (message.isEmpty()) {
        error = MESSAGE_GONE;
      } else {
        sender.sendToGroup(message.get(), d.consumerGroup(), d.attempts() + 1);
        redelivered.increment();
        log.debug(
            "Redelivered {} to {} (attempt {})",
            d.messageId(),
            d.consumerGroup(),
            d.attempts() + 1);
      }
    } catch (Exception e) {
      failure = e;
      error = truncate(e.toString());
      log.debug("Redelivery of {} to {} failed: {}", d.messageId(), d.consumerGroup(), error);
    }
    Duration wait =
        DeliveryProperties.waitAfter(
            d.attempts() + 1, Duration.ofMillis(d.ackTimeoutMs()), properties.maxBackoff());
    Instant sentAt = clock.instant();
    String lastError = error;
    Exception sendFailure = failure;
    // The attempt and its failures commit together: a lost lease records neither.
    transaction.executeWithoutResult(
        status -> {
          if (mapper.recordAttempt(d.id(), d.version(), sentAt.plus(wait), lastError) != 1) {
            return;
          }
          recordUnacked(d, claimedAt);
          int attempt = d.attempts() + 1;
          if (sendFailure != null) {
            failures.record(
                d,
                attempt,
                sentAt,
                FailureCause.SEND_FAILED,
                sendFailure.getClass().getName(),
                sendFailure.getMessage());
          } else if (lastError != null) {
            failures.record(d, attempt, sentAt, FailureCause.MESSAGE_GONE, null, lastError);
          }
        });
  }

  /**
   * Whether the delivery waits for its message's forward, held uncounted: {@link #awaitForward} or
   * {@link #holdForLateForward}.
   */
  private boolean waitsForForward(DueDelivery d, StoredMessage m, Instant now) {
    if (m.state() == MessageState.COMMITTED) {
      awaitForward(d, now);
      return true;
    }
    return holdForLateForward(d, m, now);
  }

  /**
   * A delivery comes due before its message is in RocketMQ when forwarding is behind by more than
   * the ack timeout: many delayed messages due at one second, RocketMQ unreachable. The forward
   * sends the message to every group; a copy to this group's retry topic now would only double the
   * sends (and, counted, could make a message DEAD that no consumer ever got). So it waits another
   * ack timeout; its first wait is recorded as a NOT_FORWARDED failure, for operators to see.
   */
  private void awaitForward(DueDelivery d, Instant now) {
    boolean waitedBefore = AWAITS_FORWARD.equals(d.lastError());
    Instant until = now.plusMillis(d.ackTimeoutMs());
    transaction.executeWithoutResult(
        status -> {
          if (mapper.awaitForward(d.id(), d.version(), until, AWAITS_FORWARD) == 1
              && !waitedBefore) {
            failures.record(
                d,
                d.attempts(),
                now,
                FailureCause.NOT_FORWARDED,
                null,
                "not stored in RocketMQ within the ack timeout (" + d.ackTimeoutMs() + " ms)");
          }
        });
  }

  /**
   * A message forwarded later than its delivery began — behind by less than the ack timeout, or
   * after {@link #awaitForward} — was sent to the group by that forward, its first send: the ack
   * timeout counts from there, to within a poll interval. Checked here rather than reset by every
   * forward confirmation, which would cost the hot path a statement per message.
   */
  private boolean holdForLateForward(DueDelivery d, StoredMessage m, Instant now) {
    if (d.attempts() != 1 || m.forwardedAt() == null) {
      return false;
    }
    Instant ackDue = m.forwardedAt().plusMillis(d.ackTimeoutMs());
    if (!ackDue.isAfter(now.plus(properties.pollInterval()))) {
      return false;
    }
    mapper.holdDelivery(d.id(), d.version(), ackDue);
    return true;
  }

  /**
   * The failure of the previous send, which went out (a failed one was recorded when it failed) but
   * was not acked in time: the claim comes when the ack timeout has passed. A delivery that waited
   * for its forward was sent by it.
   */
  private void recordUnacked(DueDelivery d, Instant at) {
    if (d.attempts() == 0 || (d.lastError() != null && !AWAITS_FORWARD.equals(d.lastError()))) {
      return;
    }
    failures.record(
        d,
        d.attempts(),
        at,
        FailureCause.ACK_TIMEOUT,
        null,
        "no ack within " + d.ackTimeoutMs() + " ms");
  }

  private static String truncate(String s) {
    return s.length() <= MAX_ERROR_LENGTH ? s : s.substring(0, MAX_ERROR_LENGTH);
  }
}
