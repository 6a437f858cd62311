package io.halfmsg.broker.subscription;

import java.time.Instant;

/**
 * A subscription with its lag, as operators see it.
 *
 * @param unacked deliveries not acked yet, DEAD ones included
 * @param dead how many of them are DEAD
 * @param oldestUnackedAt when the oldest of them was created (the message's commit)
 */
public record SubscriptionView(
    String consumerGroup,
    String topic,
    String tags,
    long ackTimeoutMs,
    int maxAttempts,
    long unacked,
    long dead,
    Instant oldestUnackedAt) {

  static SubscriptionView of(Subscription s, Lag lag) {
    return new SubscriptionView(
        s.consumerGroup(),
        s.topic(),
        s.tags(),
        s.ackTimeoutMs(),
        s.maxAttempts(),
        lag.unacked(),
        lag.dead(),
        lag.oldestUnackedAt());
  }
}
