package io.halfmsg.broker.delivery;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.batch.Batcher;
import io.halfmsg.broker.message.NextLook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Marks messages FORWARDED once RocketMQ stored them, many per statement. A confirmation lost in a
 * crash only means the recovery scanner sends the message once more; consumers dedupe.
 */
@Component
class ForwardConfirmations implements DisposableBean {

  private final DeliveryBatchSql sql;
  private final Clock clock;
  private final NextLook nextLook;
  private final Batcher<Long> queue;
  private final Counter forwarded;

  ForwardConfirmations(DeliveryBatchSql sql, Clock clock, NextLook nextLook, MeterRegistry meters) {
    this.sql = sql;
    this.clock = clock;
    this.nextLook = nextLook;
    this.forwarded =
        Counter.builder("halfmsg.forwarded")
            .description("Messages stored in RocketMQ and marked FORWARDED")
            .register(meters);
    this.queue = new Batcher<>("halfmsg-confirm", 50_000, 500, 1, this::write);
  }

  void confirm(long messageRowId) {
    queue.offer(messageRowId);
  }

  /**
   * Marks acked messages FORWARDED that are still COMMITTED: the group got them from RocketMQ, so
   * they were stored there, and the recovery scanner must not send them again. Rare: normally the
   * send's confirmation comes first.
   */
  void confirmAcked(List<String> messageIds, Instant ackedAt) {
    forwarded.increment(
        sql.confirmForwardedByMessageId(
            messageIds, ackedAt, nextLook.after(MessageState.FORWARDED, ackedAt)));
  }

  /** Confirms at once, for the recovery scanner. */
  void confirmNow(long messageRowId) {
    write(List.of(messageRowId));
  }

  private void write(List<Long> ids) {
    Instant now = clock.instant();
    forwarded.increment(
        sql.confirmForwarded(ids, now, nextLook.after(MessageState.FORWARDED, now)));
  }

  @Override
  public void destroy() {
    queue.close();
  }
}
