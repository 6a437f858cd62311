package io.halfmsg.consumer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * A consumer's {@link ConsumerStats} as Micrometer meters, tagged with the consumer group. Read
 * from the consumer's own counters at each scrape; loaded only when a registry is given. The meters
 * hold the consumer weakly, as Micrometer does: they stop reading once it is gone.
 */
final class MicrometerConsumerMetrics {

  private MicrometerConsumerMetrics() {}

  /** Meters of {@code consumer}'s group, read through {@code stats}. */
  static <C> void bind(
      MeterRegistry registry, String group, C consumer, Function<C, ConsumerStats> stats) {
    Meters<C> m = new Meters<>(registry, group, consumer, stats);
    m.message("handled", s -> s.handled());
    m.message("duplicate", s -> s.duplicates());
    m.message("failed", s -> s.failed());
    m.message("filtered", s -> s.filtered());
    m.message("skipped", s -> s.skipped());
    m.batch("committed", s -> s.batches());
    m.batch("fallback", s -> s.batchFallbacks());
    m.ack("sent", s -> s.acksSent());
    m.ack("dropped", s -> s.acksDropped());
    Gauge.builder("halfmsg.consumer.acks.pending", consumer, c -> stats.apply(c).acksPending())
        .description("Acks waiting to be sent to the broker")
        .tag("group", group)
        .register(registry);
  }

  private record Meters<C>(
      MeterRegistry registry, String group, C consumer, Function<C, ConsumerStats> stats) {

    void message(String outcome, ToDoubleFunction<ConsumerStats> count) {
      counter(
          "halfmsg.consumer.messages",
          "Messages received: handled (committed), duplicate (skipped by the dedupe table),"
              + " failed (rolled back, left to redelivery), filtered, skipped",
          outcome,
          count);
    }

    void batch(String outcome, ToDoubleFunction<ConsumerStats> count) {
      counter(
          "halfmsg.consumer.batches",
          "Batch transactions of several messages: committed, or rolled back and processed one"
              + " message per transaction (fallback: a duplicate or a failure in the batch)",
          outcome,
          count);
    }

    void ack(String outcome, ToDoubleFunction<ConsumerStats> count) {
      counter(
          "halfmsg.consumer.acks",
          "Acks the broker confirmed (sent) or given up on (dropped; redelivered later)",
          outcome,
          count);
    }

    private void counter(
        String name, String description, String outcome, ToDoubleFunction<ConsumerStats> count) {
      // The function must not capture this record: it holds the consumer, which must stay weak.
      Function<C, ConsumerStats> read = stats;
      FunctionCounter.builder(name, consumer, c -> count.applyAsDouble(read.apply(c)))
          .description(description)
          .tag("group", group)
          .tag("outcome", outcome)
          .register(registry);
    }
  }
}
