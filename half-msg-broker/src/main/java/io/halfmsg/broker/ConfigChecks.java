package io.halfmsg.broker;

import java.time.Duration;

/**
 * Checks of the broker's settings, for the {@code *Properties} records: a value that would quietly
 * stop the broker's work (a batch size of 0 stops every scanner) fails the start instead, naming
 * the property.
 */
public final class ConfigChecks {

  private ConfigChecks() {}

  /** {@code value}, if it is longer than zero. */
  public static Duration positive(String property, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(property + " must be positive (it is " + value + ")");
    }
    return value;
  }

  /** {@code value}, if it is not negative. */
  public static Duration notNegative(String property, Duration value) {
    if (value.isNegative()) {
      throw new IllegalArgumentException(property + " must not be negative (it is " + value + ")");
    }
    return value;
  }

  /** {@code value}, if it is at least 1. */
  public static int atLeastOne(String property, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(property + " must be at least 1 (it is " + value + ")");
    }
    return value;
  }
}
