package io.halfmsg.broker.delivery;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.AutomapConstructor;

/**
 * A delivery as the admin API shows it, with its latest failed attempts (oldest first).
 *
 * @param lastError the error of its latest send, if that send failed, or that it waits for its
 *     message to be stored in RocketMQ
 */
public record DeliveryView(
    String consumerGroup,
    DeliveryState state,
    int attempts,
    int maxAttempts,
    Instant nextAttemptAt,
    String lastError,
    Instant createdAt,
    Instant ackedAt,
    List<DeliveryFailure> failures) {

  /** As the store reads it, before its failures are added. */
  @AutomapConstructor
  DeliveryView(
      String consumerGroup,
      DeliveryState state,
      int attempts,
      int maxAttempts,
      Instant nextAttemptAt,
      String lastError,
      Instant createdAt,
      Instant ackedAt) {
    this(
        consumerGroup,
        state,
        attempts,
        maxAttempts,
        nextAttemptAt,
        lastError,
        createdAt,
        ackedAt,
        List.of());
  }

  DeliveryView withFailures(List<DeliveryFailure> kept) {
    return new DeliveryView(
        consumerGroup,
        state,
        attempts,
        maxAttempts,
        nextAttemptAt,
        lastError,
        createdAt,
        ackedAt,
        List.copyOf(kept));
  }
}
