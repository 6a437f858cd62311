package io.halfmsg.broker.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.delivery.DeliveryProperties;
import io.halfmsg.broker.retention.RetentionProperties;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When each row is next looked at: the one rule, on explicit instants (no clock, no waiting). The
 * shipped defaults: forward-retry-after 10 s, lease 30 s, retention 3 days.
 */
class NextLookTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  private final NextLook next =
      new NextLook(
          new DeliveryProperties(null, null, null, null, null, null, null, null, null, null),
          new RetentionProperties(null, null));

  @Test
  void aFailedRecoverySendIsRetriedAfterAQuarterOfItsAgeBetweenASecondAndALease() {
    assertThat(next.forwardRetry(NOW, NOW)).isEqualTo(NOW.plusSeconds(1));
    assertThat(next.forwardRetry(NOW.minusSeconds(2), NOW)).isEqualTo(NOW.plusSeconds(1));
    assertThat(next.forwardRetry(NOW.minusSeconds(16), NOW)).isEqualTo(NOW.plusSeconds(4));
    assertThat(next.forwardRetry(NOW.minusSeconds(100), NOW)).isEqualTo(NOW.plusSeconds(25));
    assertThat(next.forwardRetry(NOW.minus(Duration.ofHours(5)), NOW))
        .isEqualTo(NOW.plusSeconds(30));
    // A row without a commit time (older data) is treated as just committed.
    assertThat(next.forwardRetry(null, NOW)).isEqualTo(NOW.plusSeconds(1));
  }

  @Test
  void aFailedFastPathIsTriedAgainWithinASecond() {
    assertThat(next.afterFailedFastPath(NOW)).isEqualTo(NOW.plusSeconds(1));
  }

  @Test
  void decidedRowsComeBackForRecoveryOrRetention() {
    assertThat(next.after(MessageState.COMMITTED, NOW)).isEqualTo(NOW.plusSeconds(10));
    assertThat(next.after(MessageState.FORWARDED, NOW)).isEqualTo(NOW.plus(Duration.ofDays(3)));
    assertThat(next.after(MessageState.ROLLED_BACK, NOW)).isEqualTo(NOW.plus(Duration.ofDays(3)));
    assertThatThrownBy(() -> next.after(MessageState.PREPARED, NOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> next.after(MessageState.PARKED, NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
