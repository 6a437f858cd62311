package io.halfmsg.broker.delivery;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.batch.Batcher;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.broker.message.NextLook;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Marks messages FORWARDED once RocketMQ stored them, many per statement. A confirmation lost in a
 * crash only means the recovery scanner sends the message once more; consumers dedupe. One that
 * finds the queue full or closed (shutting down) is written at once on the caller's thread: slower
 * for that caller, but never a needless second send.
 */
@Component
class ForwardConfirmations implements DisposableBean {

  private final MessageStore messages;
  private final Clock clock;
  private final NextLook nextLook;
  private final Batcher<Long> queue;
  private final Batcher<Long> recovered;
  private final Batcher<Acked> acked;
  private final DeliveryMeters meters;

  /** A message a group acked, and when. */
  private record Acked(String messageId, Instant at) {}

  ForwardConfirmations(
      MessageStore messages, Clock clock, NextLook nextLook, DeliveryMeters meters) {
    this.messages = messages;
    this.clock = clock;
    this.nextLook = nextLook;
    this.meters = meters;
    this.queue =
        new Batcher<>(
            "halfmsg-confirm", 50_000, 500, 1, ids -> write(ids, DeliveryMeters.Path.FAST));
    this.recovered =
        new Batcher<>(
            "halfmsg-confirm-recovered",
            50_000,
            500,
            1,
            ids -> write(ids, DeliveryMeters.Path.RECOVERY));
    this.acked = new Batcher<>("halfmsg-confirm-acked", 50_000, 500, 1, this::writeAcked);
  }

  void confirm(long messageRowId) {
    if (!queue.offer(messageRowId)) {
      write(List.of(messageRowId), DeliveryMeters.Path.FAST);
    }
  }

  /**
   * Marks acked messages FORWARDED that are still COMMITTED: the group got them from RocketMQ, so
   * they were stored there, and the recovery scanner must not send them again. Rare (normally the
   * send's confirmation comes first), so it is queued off the ack's request and written for many
   * acks at once; when the queue cannot take them, they are written at once.
   */
  void confirmAcked(List<String> messageIds, Instant ackedAt) {
    List<Acked> batch = messageIds.stream().map(id -> new Acked(id, ackedAt)).toList();
    if (!acked.offerAll(batch)) {
      writeAcked(batch);
    }
  }

  /**
   * Confirms a recovery send, batched with the others of the moment, or at once when the queue is
   * full: milliseconds, well within the claim's lease, so the scanner does not send it again. One
   * transaction per batch, not per message, matters when many are due at once (delayed messages all
   * go this way).
   */
  void confirmRecovered(long messageRowId) {
    if (!recovered.offer(messageRowId)) {
      write(List.of(messageRowId), DeliveryMeters.Path.RECOVERY);
    }
  }

  private void write(List<Long> ids, DeliveryMeters.Path path) {
    Instant now = clock.instant();
    meters.forwarded(
        path, messages.confirmForwarded(ids, now, nextLook.after(MessageState.FORWARDED, now)));
  }

  private void writeAcked(List<Acked> batch) {
    // Just before the earliest ack of the batch, so that every message's history shows FORWARDED
    // before ACKED.
    Instant forwardedAt =
        batch.stream().map(Acked::at).min(Comparator.naturalOrder()).orElseThrow().minusNanos(1000);
    meters.forwarded(
        DeliveryMeters.Path.ACK,
        messages.confirmForwardedByMessageId(
            batch.stream().map(Acked::messageId).distinct().toList(),
            forwardedAt,
            nextLook.after(MessageState.FORWARDED, clock.instant())));
  }

  @Override
  public void destroy() {
    queue.close();
    recovered.close();
    acked.close();
  }
}
