package io.halfmsg.broker.delivery;

import io.halfmsg.broker.ConfigChecks;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Forwarding to RocketMQ and redelivery until consumer groups ack.
 *
 * @param ackTimeout default time a group has to ack a delivery before it is sent again (a
 *     subscription's {@code ackTimeoutMs} overrides it)
 * @param maxAttempts default number of sends before a delivery is DEAD (a subscription's {@code
 *     maxAttempts} overrides it)
 * @param maxBackoff the longest wait between two sends of one delivery; the wait doubles from the
 *     ack timeout up to this
 * @param forwardRetryAfter a committed message not confirmed in RocketMQ by then is forwarded again
 *     by the recovery scanner (the fast path normally confirms within milliseconds)
 * @param pollInterval how often each instance looks for due forwards and redeliveries
 * @param batchSize most rows one instance claims at once
 * @param concurrency most sends one instance's scanners have in flight
 * @param lease how long claimed rows belong to their instance
 * @param enabled whether this instance runs the recovery and redelivery scanners
 * @param maxDelay the longest a prepare may ask its message to be held ({@code deliverAfterMs},
 *     {@code deliverAt}); longer ones get 400
 */
@ConfigurationProperties("halfmsg.delivery")
public record DeliveryProperties(
    Duration ackTimeout,
    Integer maxAttempts,
    Duration maxBackoff,
    Duration forwardRetryAfter,
    Duration pollInterval,
    Integer batchSize,
    Integer concurrency,
    Duration lease,
    Boolean enabled,
    Duration maxDelay) {

  public DeliveryProperties {
    ackTimeout = or(ackTimeout, Duration.ofSeconds(30));
    maxAttempts = or(maxAttempts, 16);
    maxBackoff = or(maxBackoff, Duration.ofHours(1));
    forwardRetryAfter = or(forwardRetryAfter, Duration.ofSeconds(10));
    pollInterval = or(pollInterval, Duration.ofMillis(500));
    batchSize = or(batchSize, 200);
    concurrency = or(concurrency, 8);
    lease = or(lease, Duration.ofSeconds(30));
    enabled = or(enabled, true);
    maxDelay = or(maxDelay, Duration.ofDays(40));
    String at = "halfmsg.delivery.";
    ConfigChecks.positive(at + "ack-timeout", ackTimeout);
    ConfigChecks.atLeastOne(at + "max-attempts", maxAttempts);
    ConfigChecks.positive(at + "max-backoff", maxBackoff);
    ConfigChecks.positive(at + "forward-retry-after", forwardRetryAfter);
    ConfigChecks.positive(at + "poll-interval", pollInterval);
    ConfigChecks.atLeastOne(at + "batch-size", batchSize);
    ConfigChecks.atLeastOne(at + "concurrency", concurrency);
    ConfigChecks.positive(at + "lease", lease);
    ConfigChecks.positive(at + "max-delay", maxDelay);
  }

  /** Wait after the {@code attempt}-th send (1 or more) before the next one, if no ack came. */
  public static Duration waitAfter(int attempt, Duration ackTimeout, Duration maxBackoff) {
    int doublings = Math.min(Math.max(attempt, 1) - 1, 20);
    Duration wait = ackTimeout.multipliedBy(1L << doublings);
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
