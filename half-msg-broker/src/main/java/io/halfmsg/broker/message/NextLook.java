package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.delivery.DeliveryProperties;
import io.halfmsg.broker.retention.RetentionProperties;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * When the broker next looks at a message once it is decided. {@code next_check_at} means "next
 * time a scanner must look at this row" in every state, so one index serves all the scanners:
 * check-back for PREPARED, forward recovery for COMMITTED, retention for FORWARDED and ROLLED_BACK.
 */
@Component
public class NextLook {

  private final DeliveryProperties delivery;
  private final RetentionProperties retention;

  NextLook(DeliveryProperties delivery, RetentionProperties retention) {
    this.delivery = delivery;
    this.retention = retention;
  }

  public Instant after(MessageState decided, Instant now) {
    return switch (decided) {
      case COMMITTED -> now.plus(delivery.forwardRetryAfter());
      case FORWARDED, ROLLED_BACK -> now.plus(retention.retention());
      case PREPARED, PARKED -> throw new IllegalArgumentException(decided + " is not decided");
    };
  }
}
