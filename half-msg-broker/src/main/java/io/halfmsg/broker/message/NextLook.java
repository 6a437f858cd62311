package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.delivery.DeliveryProperties;
import io.halfmsg.broker.retention.RetentionProperties;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * When the broker next looks at a message once it is decided. {@code next_check_at} means "next
 * time a scanner must look at this row" in every state, so one index serves all the scanners:
 * check-back for PREPARED, forward recovery for COMMITTED, retention for FORWARDED, ROLLED_BACK and
 * CANCELLED.
 */
@Component
public class NextLook {

  private final DeliveryProperties delivery;
  private final RetentionProperties retention;

  NextLook(DeliveryProperties delivery, RetentionProperties retention) {
    this.delivery = delivery;
    this.retention = retention;
  }

  /**
   * When a COMMITTED message whose recovery send failed is tried again: after a quarter of the time
   * since its commit, at least a second and at most a lease. Soon after an outage began, so that it
   * is forwarded soon after the outage ends; rarely once it has lasted, so that a long one costs
   * few sends.
   */
  public Instant forwardRetry(Instant committedAt, Instant now) {
    Duration age = committedAt == null ? Duration.ZERO : Duration.between(committedAt, now);
    Duration wait = age.dividedBy(4);
    if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
      wait = Duration.ofSeconds(1);
    }
    if (wait.compareTo(delivery.lease()) > 0) {
      wait = delivery.lease();
    }
    return now.plus(wait);
  }

  /**
   * When the recovery scanner first tries a COMMITTED message whose fast-path send failed: as soon
   * as a failed recovery send would be retried, not {@code forward-retry-after} later (right after
   * a start RocketMQ's client may not know a topic's route for a second or two).
   */
  public Instant afterFailedFastPath(Instant now) {
    return forwardRetry(now, now);
  }

  /**
   * Whether a message with this delivery time, committed at {@code committedAt}, is held until
   * then: the one rule for the commit's next look ({@link #afterCommit}), the fast path and cancel.
   */
  public static boolean holds(Instant deliverAt, Instant committedAt) {
    return deliverAt != null && committedAt != null && deliverAt.isAfter(committedAt);
  }

  /**
   * When a message committed at {@code now} is next looked at: at its delivery time if it is held
   * until then (the recovery scanner's claim forwards it; nothing else does), else as {@link
   * #after} says.
   */
  public Instant afterCommit(Instant deliverAt, Instant now) {
    return holds(deliverAt, now) ? deliverAt : after(MessageState.COMMITTED, now);
  }

  public Instant after(MessageState decided, Instant now) {
    return switch (decided) {
      case COMMITTED -> now.plus(delivery.forwardRetryAfter());
      case FORWARDED, ROLLED_BACK, CANCELLED -> now.plus(retention.retention());
      case PREPARED, PARKED -> throw new IllegalArgumentException(decided + " is not decided");
    };
  }
}
