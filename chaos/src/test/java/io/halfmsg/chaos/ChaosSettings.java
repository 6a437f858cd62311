package io.halfmsg.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How big a chaos run is, from system properties (scripts/chaos.sh passes them):
 *
 * <ul>
 *   <li>{@code chaos.duration} (ISO-8601 or {@code 90s}/{@code 10m}; default 0): keep injecting
 *       faults, round after round of every kind, for at least this long; 0 means one round (the
 *       bounded run of the build)
 *   <li>{@code chaos.rate} (default 15): orders per second offered while faults are injected
 *   <li>{@code chaos.clients} (default 8): client threads placing them
 *   <li>{@code chaos.calm-orders} (default 30): orders accepted after each fault's recovery before
 *       the next fault
 *   <li>{@code chaos.quiescence} (default 5m): the longest wait for every message to settle
 * </ul>
 */
record ChaosSettings(
    Duration duration,
    int rate,
    int clients,
    int calmOrders,
    Duration quiescence,
    Path outputDir,
    Path brokerJar,
    Path demoJar) {

  static ChaosSettings fromSystemProperties() {
    ChaosSettings s =
        new ChaosSettings(
            duration("chaos.duration", "0s"),
            Integer.getInteger("chaos.rate", 15),
            Integer.getInteger("chaos.clients", 8),
            Integer.getInteger("chaos.calm-orders", 30),
            duration("chaos.quiescence", "5m"),
            Path.of(System.getProperty("chaos.outputDir", "target/chaos")).toAbsolutePath(),
            Path.of(required("chaos.brokerJar")),
            Path.of(required("chaos.demoJar")));
    for (Path jar : new Path[] {s.brokerJar(), s.demoJar()}) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            "No jar at " + jar + ": build it first (./mvnw -pl chaos -am verify does)");
      }
    }
    return s;
  }

  private static String required(String name) {
    String v = System.getProperty(name);
    if (v == null) {
      throw new IllegalStateException("Set -D" + name + " (the chaos module's pom does)");
    }
    return v;
  }

  private static Duration duration(String name, String fallback) {
    String v = System.getProperty(name, fallback).trim().toLowerCase(java.util.Locale.ROOT);
    if (v.startsWith("p")) {
      return Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
    }
    long n = Long.parseLong(v.substring(0, v.length() - 1));
    return switch (v.charAt(v.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> throw new IllegalArgumentException(name + ": say 90s, 10m or 1h, not " + v);
    };
  }
}
