package io.halfmsg.broker.delivery;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.broker.batch.Batcher;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.broker.message.NextLook;
import io.halfmsg.broker.message.StoredMessage;
import io.halfmsg.broker.pause.Pauses;
import io.halfmsg.broker.rocketmq.RocketMqSender;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Forwards a message to RocketMQ right after its commit, without waiting for a poll: messages
 * committed by producers arrive as their commit read them; the others, committed at about the same
 * time, are loaded with one query; all are sent asynchronously; each stored send is confirmed in
 * batches. Whatever this misses (a full queue, a crash, RocketMQ down) stays COMMITTED and the
 * {@link ForwardRecoveryScanner} sends it later.
 */
@Component
class FastPathForwarder implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(FastPathForwarder.class);

  private final MessageStore messages;
  private final RocketMqSender sender;
  private final ForwardConfirmations confirmations;
  private final Pauses pauses;
  private final long freshNanos;
  private final Batcher<Pending> queue;
  private final Batcher<Long> retrySoon;
  private final DeliveryMeters meters;
  private final KeyQueue keys;
  private final ApplicationEventPublisher events;

  FastPathForwarder(
      MessageStore messages,
      KeyQueue keys,
      ApplicationEventPublisher events,
      RocketMqSender sender,
      ForwardConfirmations confirmations,
      Pauses pauses,
      NextLook nextLook,
      Clock clock,
      DeliveryProperties delivery,
      DeliveryMeters meters) {
    this.messages = messages;
    this.keys = keys;
    this.events = events;
    this.sender = sender;
    this.confirmations = confirmations;
    this.pauses = pauses;
    // The recovery scanner takes over a message forwardRetryAfter after its commit; one read at
    // commit that waited half of that is read again, so one the scanner already sent is not sent
    // twice.
    this.freshNanos = delivery.forwardRetryAfter().toNanos() / 2;
    this.meters = meters;
    this.queue = new Batcher<>("halfmsg-forward", 50_000, 200, 2, this::forward);
    // A failed send is left to the recovery scanner, which should try it soon: a full queue only
    // means it waits forward-retry-after, as before.
    this.retrySoon =
        new Batcher<>(
            "halfmsg-forward-retry",
            50_000,
            500,
            1,
            ids -> messages.dueSooner(ids, nextLook.afterFailedFastPath(clock.instant())));
  }

  /** A message to forward: as read at its commit, or only its id, to be read before sending. */
  private record Pending(String messageId, StoredMessage read, long queuedAt) {}

  void forwardSoon(String messageId) {
    offer(new Pending(messageId, null, 0));
  }

  /** A message as the transaction that committed it read it; sent without reading it again. */
  void forwardSoon(StoredMessage committed) {
    offer(new Pending(committed.messageId(), committed, System.nanoTime()));
  }

  private void offer(Pending p) {
    if (sender.enabled() && !queue.offer(p)) {
      log.debug("Fast-path queue full; {} is left to the recovery scanner", p.messageId());
    }
  }

  private void forward(List<Pending> batch) {
    long now = System.nanoTime();
    List<String> toRead = new ArrayList<>();
    List<StoredMessage> toSend = new ArrayList<>();
    for (Pending p : batch) {
      if (p.read() != null && now - p.queuedAt() < freshNanos) {
        toSend.add(p.read());
      } else {
        toRead.add(p.messageId());
      }
    }
    for (StoredMessage m : messages.findAll(toRead)) {
      if (m.state() == MessageState.COMMITTED) {
        toSend.add(m);
      }
    }
    // Read after the commit that made them COMMITTED: a head released before it shows here.
    Set<String> held =
        keys.heldBack(
            toSend.stream()
                .filter(m -> m.shardingKey() != null)
                .map(StoredMessage::messageId)
                .toList());
    for (StoredMessage m : toSend) {
      if (!held.contains(m.messageId())) {
        send(m);
      }
    }
  }

  private void send(StoredMessage m) {
    if (m.heldForDelivery()) {
      // Committed before its delivery time: the recovery scanner forwards it when it is due (its
      // commit set next_check_at to deliver_at), so that no instance sends it twice or early.
      return;
    }
    if (pauses.holdsForwarding(m.topic())) {
      // Waits COMMITTED; the recovery scanner forwards it once the topic is resumed.
      return;
    }
    sender.sendAsync(
        m,
        new SendCallback() {
          @Override
          public void onSuccess(SendResult result) {
            try (LogContext ignored = logContext(m)) {
              meters.sent(m.forwardableSince());
              confirmations.confirm(m.id());
              if (m.shardingKey() != null) {
                events.publishEvent(new KeyHolderForwarded(m.messageId()));
              }
              log.debug("Forwarded {} (fast path)", m.messageId());
            }
          }

          @Override
          public void onException(Throwable e) {
            try (LogContext ignored = logContext(m)) {
              meters.sendFailed(DeliveryMeters.Path.FAST);
              retrySoon.offer(m.id());
              // RocketMqReachability warns while sends fail; each one at DEBUG.
              log.debug("Fast-path send of {} failed: {}", m.messageId(), e.toString());
            }
          }
        });
  }

  private static LogContext logContext(StoredMessage m) {
    return LogContext.producer(m.messageId(), m.producerGroup());
  }

  @Override
  public void destroy() {
    queue.close();
    retrySoon.close();
  }
}
