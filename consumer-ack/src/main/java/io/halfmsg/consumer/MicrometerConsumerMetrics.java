package io.halfmsg.consumer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * A consumer's {@link ConsumerStats} as Micrometer meters, tagged with the consumer group. Read
 * from the consumer's own counters at each scrape; loaded only when a registry is given.
 */
final class MicrometerConsumerMetrics {

  private MicrometerConsumerMetrics() {}

  static void bind(MeterRegistry registry, HalfmsgConsumer consumer) {
    message(registry, consumer, "handled", s -> s.handled());
    message(registry, consumer, "duplicate", s -> s.duplicates());
    message(registry, consumer, "failed", s -> s.failed());
    message(registry, consumer, "filtered", s -> s.filtered());
    message(registry, consumer, "skipped", s -> s.skipped());
    batch(registry, consumer, "committed", s -> s.batches());
    batch(registry, consumer, "fallback", s -> s.batchFallbacks());
    ack(registry, consumer, "sent", s -> s.acksSent());
    ack(registry, consumer, "dropped", s -> s.acksDropped());
    Gauge.builder("halfmsg.consumer.acks.pending", consumer, c -> c.stats().acksPending())
        .description("Acks waiting to be sent to the broker")
        .tag("group", consumer.group())
        .register(registry);
  }

  private static void message(
      MeterRegistry registry,
      HalfmsgConsumer consumer,
      String outcome,
      ToDoubleFunction<ConsumerStats> count) {
    FunctionCounter.builder(
            "halfmsg.consumer.messages", consumer, c -> count.applyAsDouble(c.stats()))
        .description(
            "Messages received: handled (committed), duplicate (skipped by the dedupe table),"
                + " failed (rolled back, left to redelivery), filtered, skipped")
        .tag("group", consumer.group())
        .tag("outcome", outcome)
        .register(registry);
  }

  private static void batch(
      MeterRegistry registry,
      HalfmsgConsumer consumer,
      String outcome,
      ToDoubleFunction<ConsumerStats> count) {
    FunctionCounter.builder(
            "halfmsg.consumer.batches", consumer, c -> count.applyAsDouble(c.stats()))
        .description(
            "Batch transactions of several messages: committed, or rolled back and processed one"
                + " message per transaction (fallback: a duplicate or a failure in the batch)")
        .tag("group", consumer.group())
        .tag("outcome", outcome)
        .register(registry);
  }

  private static void ack(
      MeterRegistry registry,
      HalfmsgConsumer consumer,
      String outcome,
      ToDoubleFunction<ConsumerStats> count) {
    FunctionCounter.builder("halfmsg.consumer.acks", consumer, c -> count.applyAsDouble(c.stats()))
        .description("Acks the broker confirmed (sent) or given up on (dropped; redelivered later)")
        .tag("group", consumer.group())
        .tag("outcome", outcome)
        .register(registry);
  }
}
