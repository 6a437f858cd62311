package io.halfmsg.producer;

import io.halfmsg.api.TransactionState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** {@link ProducerMetrics} as Micrometer counters, tagged with the producer group. */
final class MicrometerProducerMetrics implements ProducerMetrics {

  private final Counter sends;
  private final Counter commits;
  private final Counter rollbacks;
  private final Map<Operation, Counter> failures = new EnumMap<>(Operation.class);
  private final Map<TransactionState, Counter> checkBacks = new EnumMap<>(TransactionState.class);
  private final Counter checkBacksRefused;

  MicrometerProducerMetrics(MeterRegistry registry, String producerGroup) {
    this.sends =
        Counter.builder("halfmsg.producer.sends")
            .description("Half messages prepared")
            .tag("group", producerGroup)
            .register(registry);
    this.commits =
        Counter.builder("halfmsg.producer.commits")
            .description("Commits the broker confirmed")
            .tag("group", producerGroup)
            .register(registry);
    this.rollbacks =
        Counter.builder("halfmsg.producer.rollbacks")
            .description("Rollbacks the broker confirmed")
            .tag("group", producerGroup)
            .register(registry);
    for (Operation operation : Operation.values()) {
      failures.put(
          operation,
          Counter.builder("halfmsg.producer.failures")
              .description("Failed prepares, local transactions, commits or rollbacks given up")
              .tag("group", producerGroup)
              .tag("operation", operation.name().toLowerCase(Locale.ROOT).replace('_', '-'))
              .register(registry));
    }
    for (TransactionState state : TransactionState.values()) {
      checkBacks.put(
          state,
          Counter.builder("halfmsg.producer.checkbacks")
              .description("Check-backs answered")
              .tag("group", producerGroup)
              .tag("state", state.name())
              .register(registry));
    }
    this.checkBacksRefused =
        Counter.builder("halfmsg.producer.checkbacks")
            .description("Check-backs answered")
            .tag("group", producerGroup)
            .tag("state", "REFUSED")
            .register(registry);
  }

  @Override
  public void prepared() {
    sends.increment();
  }

  @Override
  public void committed() {
    commits.increment();
  }

  @Override
  public void rolledBack() {
    rollbacks.increment();
  }

  @Override
  public void failed(Operation operation) {
    failures.get(operation).increment();
  }

  @Override
  public void checkBackAnswered(TransactionState state) {
    (state == null ? checkBacksRefused : checkBacks.get(state)).increment();
  }
}
