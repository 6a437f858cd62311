package io.halfmsg.broker.metrics;

import io.halfmsg.broker.periodic.PeriodicJob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Gauges of what waits in the store: messages and deliveries per state and group, and the age of
 * the oldest PREPARED message and of the oldest un-acked delivery. Read every {@code
 * halfmsg.metrics.poll-interval}, never on a scrape, so that a scrape never waits for the database;
 * {@code halfmsg.store.stats.age} tells how old the figures are.
 *
 * <p>Every instance reads the same database and shows the same figures: alert on their maximum over
 * instances, not their sum. A group with nothing in a state has no series for it.
 */
@Component
class StoreGauges implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(StoreGauges.class);

  private final StoreStats stats;
  private final Clock clock;
  private final MetricsProperties properties;
  private final MultiGauge messages;
  private final MultiGauge oldestPrepared;
  private final MultiGauge latePrepared;
  private final MultiGauge deliveries;
  private final MultiGauge oldestPending;
  private final Counter failures;
  private volatile Instant lastRead;
  private final PeriodicJob job;

  StoreGauges(StoreStats stats, Clock clock, MetricsProperties properties, MeterRegistry meters) {
    this.stats = stats;
    this.clock = clock;
    this.properties = properties;
    this.messages =
        MultiGauge.builder("halfmsg.messages")
            .description("Messages in the store per state and producer group, FORWARDED ones aside")
            .register(meters);
    this.oldestPrepared =
        MultiGauge.builder("halfmsg.messages.prepared.oldest.age")
            .description("Age of the oldest PREPARED message per producer group")
            .baseUnit("seconds")
            .register(meters);
    this.latePrepared =
        MultiGauge.builder("halfmsg.messages.prepared.late")
            .description(
                "PREPARED messages older than halfmsg.metrics.late-after, per producer group")
            .register(meters);
    this.deliveries =
        MultiGauge.builder("halfmsg.deliveries")
            .description("Deliveries not acked yet (PENDING) or given up (DEAD) per consumer group")
            .register(meters);
    this.oldestPending =
        MultiGauge.builder("halfmsg.deliveries.pending.oldest.age")
            .description(
                "Age since commit of the oldest un-acked PENDING delivery per consumer group")
            .baseUnit("seconds")
            .register(meters);
    this.failures =
        Counter.builder("halfmsg.store.stats.failures")
            .description("Reads of the store's gauges that failed")
            .register(meters);
    TimeGauge.builder(
            "halfmsg.store.stats.age", this, TimeUnit.SECONDS, StoreGauges::secondsSinceRead)
        .description("Time since the store's gauges were last read (NaN before the first read)")
        .register(meters);
    this.job =
        new PeriodicJob(
            "halfmsg-store-gauges",
            Duration.ZERO,
            properties.pollInterval(),
            this::read,
            this::failed);
  }

  /** Reads the store and sets every gauge. */
  void read() {
    Instant now = clock.instant();
    List<StoreStats.MessageGroup> byGroup = stats.messages(now.minus(properties.lateAfter()));
    List<StoreStats.DeliveryGroup> pending = stats.deliveries();
    List<MultiGauge.Row<?>> messageRows = new ArrayList<>();
    List<MultiGauge.Row<?>> oldestRows = new ArrayList<>();
    List<MultiGauge.Row<?>> lateRows = new ArrayList<>();
    for (StoreStats.MessageGroup g : byGroup) {
      Tags group = Tags.of("producer.group", g.producerGroup());
      messageRows.add(MultiGauge.Row.of(group.and("state", g.state()), g.count()));
      if ("PREPARED".equals(g.state())) {
        oldestRows.add(MultiGauge.Row.of(group, ageSeconds(g.oldest(), now)));
        lateRows.add(MultiGauge.Row.of(group, g.late()));
      }
    }
    List<MultiGauge.Row<?>> deliveryRows = new ArrayList<>();
    List<MultiGauge.Row<?>> pendingRows = new ArrayList<>();
    for (StoreStats.DeliveryGroup g : pending) {
      Tags group = Tags.of("consumer.group", g.consumerGroup());
      deliveryRows.add(MultiGauge.Row.of(group.and("state", g.state()), g.count()));
      if ("PENDING".equals(g.state())) {
        pendingRows.add(MultiGauge.Row.of(group, ageSeconds(g.oldest(), now)));
      }
    }
    messages.register(messageRows, true);
    oldestPrepared.register(oldestRows, true);
    latePrepared.register(lateRows, true);
    deliveries.register(deliveryRows, true);
    oldestPending.register(pendingRows, true);
    lastRead = now;
  }

  private static double ageSeconds(Instant oldest, Instant now) {
    return Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
  }

  private double secondsSinceRead() {
    Instant at = lastRead;
    return at == null ? Double.NaN : Duration.between(at, clock.instant()).toMillis() / 1000.0;
  }

  private void failed(Throwable e) {
    failures.increment();
    log.warn("Reading the store's gauges failed; they keep their last values: {}", e.toString());
  }

  @Override
  public void start() {
    job.start();
  }

  @Override
  public void stop() {
    job.stop();
  }

  @Override
  public boolean isRunning() {
    return job.isRunning();
  }
}
