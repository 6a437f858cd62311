package io.halfmsg.broker.delivery;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.broker.message.NextLook;
import io.halfmsg.broker.message.StoredMessage;
import io.halfmsg.broker.rocketmq.RocketMqSender;
import io.halfmsg.broker.scan.ClaimingScanner;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Forwards what the fast path missed: COMMITTED messages still unconfirmed {@code
 * forward-retry-after} after their commit (a broker crash between commit and send, RocketMQ
 * unavailable). A failed send is retried when the lease runs out. Also the one sender of delayed
 * messages: those committed before their {@code deliver_at} come due at it (see {@code
 * NextLook#afterCommit}), so the claim's lease keeps two instances from forwarding one twice.
 */
@Component
class ForwardRecoveryScanner extends ClaimingScanner<Long, StoredMessage> {

  private static final Logger log = LoggerFactory.getLogger(ForwardRecoveryScanner.class);

  private final MessageStore messages;
  private final RocketMqSender sender;
  private final ForwardConfirmations confirmations;
  private final NextLook nextLook;
  private final Clock clock;
  private final DeliveryMeters meters;
  private final KeyQueue keys;
  private final ApplicationEventPublisher events;

  ForwardRecoveryScanner(
      MessageStore messages,
      KeyQueue keys,
      ApplicationEventPublisher events,
      RocketMqSender sender,
      ForwardConfirmations confirmations,
      NextLook nextLook,
      TransactionTemplate transaction,
      DeliveryProperties properties,
      Clock clock,
      DeliveryMeters meters) {
    super(
        "halfmsg-forward-recovery",
        new Settings(
            properties.pollInterval(),
            properties.batchSize(),
            properties.concurrency(),
            properties.lease(),
            properties.enabled() && sender.enabled()),
        transaction,
        clock);
    this.messages = messages;
    this.keys = keys;
    this.events = events;
    this.sender = sender;
    this.confirmations = confirmations;
    this.nextLook = nextLook;
    this.clock = clock;
    this.meters = meters;
  }

  @Override
  protected List<Long> lockDue(Instant now, int limit) {
    return messages.lockDueCommitted(now, limit);
  }

  @Override
  protected long idOf(Long id) {
    return id;
  }

  @Override
  protected int extendLease(List<Long> ids, Instant leaseUntil) {
    return messages.extendLease(ids, leaseUntil);
  }

  /** Read whole after the claim, so that the claim's locks are held for a short time. */
  @Override
  protected List<StoredMessage> toWork(List<Long> ids, Instant now) {
    return messages.findAllByIds(ids);
  }

  @Override
  protected LogContext logContext(StoredMessage m) {
    return LogContext.producer(m.messageId(), m.producerGroup());
  }

  @Override
  protected void process(StoredMessage m) {
    if (m.state() != MessageState.COMMITTED) {
      // Forwarded (by the fast path's late confirmation) between the claim and this read.
      return;
    }
    if (m.heldForDelivery() && m.deliverAt().isAfter(clock.instant())) {
      // Claimed early by an instance whose clock runs ahead: not before its time by this one.
      messages.retryForwardAt(m.id(), m.version(), m.deliverAt());
      return;
    }
    if (m.shardingKey() != null && !keys.heldBack(List.of(m.messageId())).isEmpty()) {
      // Brought forward by the sweep, and its key's head is still there: it waits again.
      if (messages.retryForwardAt(m.id(), m.version(), KeyQueue.HELD)) {
        keys.holdDeliveries(m.messageId());
      }
      return;
    }
    try {
      sender.send(m);
      meters.sent(m.forwardableSince());
      confirmations.confirmRecovered(m.id());
      if (m.shardingKey() != null) {
        events.publishEvent(new KeyHolderForwarded(m.messageId()));
      }
      log.debug("Forwarded {} (recovery)", m.messageId());
    } catch (Exception e) {
      meters.sendFailed(DeliveryMeters.Path.RECOVERY);
      // RocketMqReachability warns about failing sends; this one comes due again soon, not only
      // when the lease runs out, so that it goes out soon after RocketMQ is back.
      Instant next = nextLook.forwardRetry(m.forwardableSince(), clock.instant());
      messages.retryForwardAt(m.id(), m.version(), next);
      log.debug("Forwarding {} failed; next try at {}: {}", m.messageId(), next, e.toString());
    }
  }
}
