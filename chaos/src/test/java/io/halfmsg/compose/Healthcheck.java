package io.halfmsg.compose;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's healthcheck, from the compose file or a Dockerfile's HEALTHCHECK: the command as
 * the container runtime runs it (CMD-SHELL and shell forms as {@code /bin/sh -c}), and Docker's
 * timing of it.
 */
record Healthcheck(
    List<String> command, Duration interval, Duration timeout, Duration startPeriod, int retries) {

  /** Docker's defaults for what a healthcheck leaves out. */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final int DEFAULT_RETRIES = 3;

  private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  /**
   * How long Docker lets the service come up before it is unhealthy: failures in the start period
   * do not count, then {@code retries} checks one interval apart must all fail.
   */
  Duration deadline() {
    return startPeriod.plus(interval.multipliedBy(retries)).plus(timeout);
  }

  /** A duration as Compose and Docker write them (Go's syntax): {@code 5s}, {@code 1m30s}. */
  static Duration goDuration(String text) {
    Matcher m = GO_DURATION.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      long millis =
          switch (m.group(2)) {
            case "ms" -> (long) n;
            case "s" -> (long) (n * 1_000);
            case "m" -> (long) (n * 60_000);
            default -> (long) (n * 3_600_000);
          };
      total = total.plusMillis(millis);
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException("Not a duration: '" + text + "' (say 5s or 1m30s)");
    }
    return total;
  }
}
