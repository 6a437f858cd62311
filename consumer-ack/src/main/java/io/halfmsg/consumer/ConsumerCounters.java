package io.halfmsg.consumer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters behind {@link ConsumerStats}, one home for both consumers: {@link MessageProcessor}
 * (for {@link HalfmsgConsumer}) and {@link ListenerTransaction} (for {@link HalfmsgMQPushConsumer})
 * count into it, and {@link MicrometerConsumerMetrics} reads it through the consumer's stats.
 */
final class ConsumerCounters {

  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong filtered = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong batchFallbacks = new AtomicLong();

  void handled(int messages) {
    handled.addAndGet(messages);
  }

  void duplicate() {
    duplicates.incrementAndGet();
  }

  void failed(int messages) {
    failed.addAndGet(messages);
  }

  void filtered() {
    filtered.incrementAndGet();
  }

  void skipped() {
    skipped.incrementAndGet();
  }

  void batch() {
    batches.incrementAndGet();
  }

  void batchFallback() {
    batchFallbacks.incrementAndGet();
  }

  /** The counts, with the ack counts of {@code acks} (zero while there is none yet). */
  ConsumerStats stats(Acks acks) {
    return new ConsumerStats(
        handled.get(),
        duplicates.get(),
        failed.get(),
        filtered.get(),
        skipped.get(),
        batches.get(),
        batchFallbacks.get(),
        acks == null ? 0 : acks.sent(),
        acks == null ? 0 : acks.dropped(),
        acks == null ? 0 : acks.pending());
  }
}
