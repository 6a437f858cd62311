package io.halfmsg.broker.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/** How long ago an instant was, as the console's pages print it ({@code ${ages.of(t)}}). */
@Component("ages")
@ConditionalOnConsole
class Ages {

  private final Clock clock;

  Ages(Clock clock) {
    this.clock = clock;
  }

  public String of(Instant at) {
    if (at == null) {
      return "—";
    }
    Duration d = Duration.between(at, clock.instant());
    if (d.isNegative()) {
      return "in " + format(d.negated());
    }
    return format(d);
  }

  private static String format(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    }
    if (s < 86_400) {
      return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
    return s / 86_400 + "d " + s % 86_400 / 3600 + "h";
  }
}
