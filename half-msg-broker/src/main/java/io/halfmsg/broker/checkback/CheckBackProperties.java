package io.halfmsg.broker.checkback;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * When and how the broker asks producers about undecided messages.
 *
 * @param firstCheckAfter delay between prepare and the first check-back, unless the message names
 *     its own ({@code checkAfterMs})
 */
@ConfigurationProperties("halfmsg.check-back")
public record CheckBackProperties(Duration firstCheckAfter) {

  public CheckBackProperties {
    if (firstCheckAfter == null) {
      firstCheckAfter = Duration.ofSeconds(5);
    }
  }
}
