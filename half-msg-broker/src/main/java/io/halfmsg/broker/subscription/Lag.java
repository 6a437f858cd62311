package io.halfmsg.broker.subscription;

import java.time.Instant;

/** How far a group is behind on a topic: its un-acked deliveries (PENDING and DEAD). */
record Lag(String consumerGroup, String topic, long unacked, long dead, Instant oldestUnackedAt) {

  static Lag none(String consumerGroup, String topic) {
    return new Lag(consumerGroup, topic, 0, 0, null);
  }
}
