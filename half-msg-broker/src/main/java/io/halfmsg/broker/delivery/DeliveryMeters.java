package io.halfmsg.broker.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The meters of forwarding and acks: forwards and failed sends by the path that sent them, and the
 * time from a message's commit to its forwarding and to each group's ack, as histograms (what the
 * dashboard's percentiles are computed from).
 */
@Component
class DeliveryMeters {

  /** Who marked a message FORWARDED. */
  enum Path {
    /** The send right after the commit. */
    FAST,
    /** The recovery scanner, after a failed or lost fast-path send. */
    RECOVERY,
    /** A group's ack, which came before the send's confirmation. */
    ACK;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Clock clock;
  private final Map<Path, Counter> forwarded = new EnumMap<>(Path.class);
  private final Map<Path, Counter> failures = new EnumMap<>(Path.class);
  private final Timer forwardLatency;
  private final Timer ackLatency;

  DeliveryMeters(Clock clock, MeterRegistry meters) {
    this.clock = clock;
    for (Path path : Path.values()) {
      forwarded.put(
          path,
          Counter.builder("halfmsg.forwarded")
              .description("Messages stored in RocketMQ and marked FORWARDED, by path")
              .tag("path", path.tag())
              .register(meters));
    }
    for (Path path : new Path[] {Path.FAST, Path.RECOVERY}) {
      failures.put(
          path,
          Counter.builder("halfmsg.forward.failures")
              .description("Sends to RocketMQ that failed, by path; each is tried again later")
              .tag("path", path.tag())
              .register(meters));
    }
    this.forwardLatency = latency(meters, "halfmsg.forward.latency", "From commit to FORWARDED");
    this.ackLatency =
        latency(meters, "halfmsg.ack.latency", "From commit to a consumer group's ack");
  }

  private static Timer latency(MeterRegistry meters, String name, String description) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofHours(1))
        .register(meters);
  }

  void forwarded(Path path, int messages) {
    forwarded.get(path).increment(messages);
  }

  void sendFailed(Path path) {
    failures.get(path).increment();
  }

  /** A send of a message committed at {@code committedAt} succeeded now. */
  void sent(Instant committedAt) {
    if (committedAt != null) {
      forwardLatency.record(Duration.between(committedAt, clock.instant()));
    }
  }

  void acked(Instant committedAt, Instant ackedAt) {
    ackLatency.record(Duration.between(committedAt, ackedAt));
  }
}
