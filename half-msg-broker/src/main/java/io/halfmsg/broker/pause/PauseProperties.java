package io.halfmsg.broker.pause;

import io.halfmsg.broker.ConfigChecks;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param refreshInterval how old each instance's copy of the pauses may be for its fast path: a
 *     pause made on another instance holds for this one's fast path at most this much later (its
 *     scanners' claims read the table itself)
 */
@ConfigurationProperties("halfmsg.pause")
public record PauseProperties(Duration refreshInterval) {

  public PauseProperties {
    refreshInterval = refreshInterval == null ? Duration.ofSeconds(1) : refreshInterval;
    ConfigChecks.positive("halfmsg.pause.refresh-interval", refreshInterval);
  }
}
