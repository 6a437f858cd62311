package io.halfmsg.broker.delivery;

import io.halfmsg.api.AckRequest;
import io.halfmsg.broker.batch.Batcher;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Records the time from commit to ack ({@code halfmsg.ack.latency}) off the ack's request: the
 * commit times are read for many acks at once on a thread of its own, so an ack costs no extra
 * statement. When the queue is full the acks are not measured; nothing else depends on it.
 */
@Component
class AckLatency implements DisposableBean {

  private record Acked(List<AckRequest> acks, Instant at) {}

  private final DeliveryBatchSql sql;
  private final DeliveryMeters meters;
  private final Batcher<Acked> queue;

  AckLatency(DeliveryBatchSql sql, DeliveryMeters meters) {
    this.sql = sql;
    this.meters = meters;
    this.queue = new Batcher<>("halfmsg-ack-latency", 10_000, 50, 1, this::measure);
  }

  /** Acks that {@link DeliveryBatchSql#ack} wrote at {@code at}. */
  void acked(List<AckRequest> acks, Instant at) {
    queue.offer(new Acked(acks, at));
  }

  private void measure(List<Acked> batch) {
    for (Acked a : batch) {
      sql.commitTimesOf(a.acks(), a.at()).forEach(committed -> meters.acked(committed, a.at()));
    }
  }

  @Override
  public void destroy() {
    queue.close();
  }
}
