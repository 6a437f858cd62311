package io.halfmsg.broker.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long finished messages are kept.
 *
 * @param retention rolled-back messages, and forwarded messages that every group acked, are deleted
 *     this long after they finished; messages with a DEAD or unacked delivery are kept
 */
@ConfigurationProperties("halfmsg")
public record RetentionProperties(Duration retention) {

  public RetentionProperties {
    retention = retention == null ? Duration.ofDays(3) : retention;
  }
}
