package io.halfmsg.broker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.halfmsg.broker.checkback.CheckBackProperties;
import io.halfmsg.broker.delivery.DeliveryProperties;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Settings that would quietly stop the broker's work fail its start, naming the property (a batch
 * size of 0 used to stop recovery and redelivery without a word).
 */
class SettingsValidationTest {

  @Test
  void deliverySettingsThatStopTheWorkAreRefused() {
    assertThatThrownBy(() -> delivery(null, null, 0, null))
        .hasMessageContaining("halfmsg.delivery.batch-size");
    assertThatThrownBy(() -> delivery(null, null, null, 0))
        .hasMessageContaining("halfmsg.delivery.concurrency");
    assertThatThrownBy(() -> delivery(Duration.ZERO, null, null, null))
        .hasMessageContaining("halfmsg.delivery.poll-interval");
    assertThatThrownBy(() -> delivery(null, Duration.ofSeconds(-1), null, null))
        .hasMessageContaining("halfmsg.delivery.lease");
    assertThatThrownBy(
            () ->
                new DeliveryProperties(
                    Duration.ZERO, null, null, null, null, null, null, null, null, null))
        .hasMessageContaining("halfmsg.delivery.ack-timeout");
    assertThatThrownBy(
            () -> new DeliveryProperties(null, 0, null, null, null, null, null, null, null, null))
        .hasMessageContaining("halfmsg.delivery.max-attempts");
  }

  @Test
  void checkBackSettingsThatStopTheWorkAreRefused() {
    assertThatThrownBy(() -> checkBack(Duration.ZERO, 200, null))
        .hasMessageContaining("halfmsg.check-back.poll-interval");
    assertThatThrownBy(() -> checkBack(null, 0, null))
        .hasMessageContaining("halfmsg.check-back.batch-size");
    assertThatThrownBy(() -> checkBack(null, null, List.of(Duration.ZERO)))
        .hasMessageContaining("halfmsg.check-back.backoff");
  }

  private static DeliveryProperties delivery(
      Duration pollInterval, Duration lease, Integer batchSize, Integer concurrency) {
    return new DeliveryProperties(
        null, null, null, null, pollInterval, batchSize, concurrency, lease, null, null);
  }

  private static CheckBackProperties checkBack(
      Duration pollInterval, Integer batchSize, List<Duration> backoff) {
    return new CheckBackProperties(
        null,
        backoff,
        null,
        null,
        null,
        null,
        null,
        pollInterval,
        batchSize,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
