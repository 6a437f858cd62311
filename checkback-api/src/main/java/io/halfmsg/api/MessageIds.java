package io.halfmsg.api;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Generates message ids: UUID version 7 strings, which sort by creation time (so the broker's index
 * on them grows at its end) and are unique without coordination.
 */
public final class MessageIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private MessageIds() {}

  public static String newId() {
    long millis = System.currentTimeMillis();
    long randA = RANDOM.nextInt(1 << 12);
    long randB = RANDOM.nextLong();
    long msb = (millis << 16) | 0x7000L | randA;
    long lsb = (randB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
