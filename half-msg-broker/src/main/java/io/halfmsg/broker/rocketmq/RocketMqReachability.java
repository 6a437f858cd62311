package io.halfmsg.broker.rocketmq;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * Whether RocketMQ takes this instance's sends, from the outcome of every send: shown as the {@code
 * rocketMq} component of {@code /actuator/health}, and a warning in the log while sends fail (at
 * most one every {@link #WARN_EVERY}, with how many failed meanwhile).
 *
 * <p>An unreachable RocketMQ is reported as {@link #UNREACHABLE}, not DOWN, and does not change the
 * broker's overall status: the broker still takes prepares, commits and acks, committed messages
 * wait in the store and are forwarded when RocketMQ is back, so a load balancer must keep sending
 * producers to it.
 */
@Component("rocketMqHealthIndicator")
public class RocketMqReachability implements HealthIndicator {

  /** RocketMQ refuses or does not answer this instance's sends. */
  public static final Status UNREACHABLE =
      new Status("UNREACHABLE", "RocketMQ does not take this broker's sends");

  static final Duration WARN_EVERY = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(RocketMqReachability.class);

  private final RocketMqProperties properties;
  private final Clock clock;
  private final AtomicLong failedSinceWarning = new AtomicLong();
  private volatile Instant failingSince;
  private volatile Instant lastSuccess;
  private volatile String lastError;
  private volatile long lastWarningNanos = System.nanoTime() - WARN_EVERY.toNanos();

  RocketMqReachability(RocketMqProperties properties, Clock clock, MeterRegistry meters) {
    this.properties = properties;
    this.clock = clock;
    Gauge.builder("halfmsg.rocketmq.reachable", this, r -> r.failingSince == null ? 1 : 0)
        .description("1 unless this instance's sends to RocketMQ are failing (0 while they do)")
        .register(meters);
  }

  void succeeded() {
    lastSuccess = clock.instant();
    if (failingSince != null) {
      log.info("RocketMQ takes this broker's sends again (failing since {})", failingSince);
      failingSince = null;
    }
  }

  void failed(String what, Throwable e) {
    if (failingSince == null) {
      failingSince = clock.instant();
    }
    lastError = e.toString();
    long failed = failedSinceWarning.incrementAndGet();
    long now = System.nanoTime();
    if (now - lastWarningNanos >= WARN_EVERY.toNanos()) {
      lastWarningNanos = now;
      failedSinceWarning.set(0);
      log.warn(
          "RocketMQ sends are failing since {} ({} failed since the last warning; this one: {}):"
              + " {}. Committed messages stay in the store and are forwarded when it is back.",
          failingSince,
          failed,
          what,
          lastError);
    }
  }

  @Override
  public Health health() {
    if (!properties.configured()) {
      return Health.unknown()
          .withDetail("reason", "halfmsg.rocketmq.namesrv-addr is not set")
          .build();
    }
    Instant since = failingSince;
    if (since != null) {
      return Health.status(UNREACHABLE)
          .withDetail("failingSince", since.toString())
          .withDetail("lastError", String.valueOf(lastError))
          .build();
    }
    Instant ok = lastSuccess;
    return ok == null
        ? Health.unknown().withDetail("reason", "nothing sent yet").build()
        : Health.up().withDetail("lastSuccess", ok.toString()).build();
  }
}
