package io.halfmsg.broker.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long finished messages are kept.
 *
 * @param retention rolled-back messages, and forwarded messages that every group acked, are deleted
 *     this long after they finished; messages with a DEAD or unacked delivery are kept
 * @param retentionInterval how often each instance runs the retention job
 */
@ConfigurationProperties("halfmsg")
public record RetentionProperties(Duration retention, Duration retentionInterval) {

  public RetentionProperties {
    retention = retention == null ? Duration.ofDays(3) : retention;
    retentionInterval = retentionInterval == null ? Duration.ofMinutes(1) : retentionInterval;
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException(
          "halfmsg.retention must be positive (it is " + retention + ")");
    }
    if (retentionInterval.isNegative() || retentionInterval.isZero()) {
      throw new IllegalArgumentException(
          "halfmsg.retention-interval must be positive (it is " + retentionInterval + ")");
    }
  }
}
