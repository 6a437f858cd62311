package io.halfmsg.broker.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The gauges read from the store.
 *
 * @param pollInterval how often each instance reads the store's counts and oldest ages
 * @param lateAfter a PREPARED message older than this counts as late ({@code
 *     halfmsg.messages.prepared.late}): its producer has neither decided it nor answered the
 *     check-backs that started {@code halfmsg.check-back.first-check-after} after its prepare
 */
@ConfigurationProperties("halfmsg.metrics")
public record MetricsProperties(Duration pollInterval, Duration lateAfter) {

  public MetricsProperties {
    pollInterval = pollInterval == null ? Duration.ofSeconds(15) : pollInterval;
    lateAfter = lateAfter == null ? Duration.ofMinutes(1) : lateAfter;
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException(
          "halfmsg.metrics.poll-interval must be positive (it is " + pollInterval + ")");
    }
    if (lateAfter.isNegative() || lateAfter.isZero()) {
      throw new IllegalArgumentException(
          "halfmsg.metrics.late-after must be positive (it is " + lateAfter + ")");
    }
  }
}
