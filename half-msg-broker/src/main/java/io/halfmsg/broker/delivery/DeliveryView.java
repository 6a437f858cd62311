package io.halfmsg.broker.delivery;

import java.time.Instant;

/** A delivery as the admin API shows it. */
public record DeliveryView(
    String consumerGroup,
    DeliveryState state,
    int attempts,
    int maxAttempts,
    Instant nextAttemptAt,
    String lastError,
    Instant createdAt,
    Instant ackedAt) {}
