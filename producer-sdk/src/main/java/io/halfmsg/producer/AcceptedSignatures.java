package io.halfmsg.producer;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signatures of the check-backs accepted while their timestamps are within the verifier's
 * tolerance, so that a byte-identical replay of one is refused. The broker signs each call anew
 * (its next check of a message, and its failover to another instance, carry a new timestamp and so
 * a new signature), so only a copy of a request already answered is refused.
 *
 * <p>An entry is kept until its timestamp leaves the tolerance window — from then on the verifier
 * refuses the request as stale anyway — and evicted after that. At most {@code capacity} entries
 * are kept: when that many are still within the window, a new check-back is refused (the broker
 * asks again later) rather than an entry forgotten, which would let that request's replay through.
 * Thread-safe.
 */
final class AcceptedSignatures {

  /** The capacity of the check-back handler's memory. About 200 bytes an entry. */
  static final int DEFAULT_CAPACITY = 100_000;

  private static final Logger log = LoggerFactory.getLogger(AcceptedSignatures.class);

  /** What {@link #remember} found. */
  enum Outcome {
    /** Not seen before: now remembered; answer the request. */
    FIRST,
    /** Accepted before: a replay; refuse it. */
    REPLAY,
    /** Not seen before, but the memory is full of entries still in the window; refuse it. */
    FULL
  }

  private record Entry(long expiresAtMillis, String signature) {}

  private final Clock clock;
  private final long toleranceMillis;
  private final int capacity;
  private final Set<String> signatures = new HashSet<>();
  private final PriorityQueue<Entry> byExpiry =
      new PriorityQueue<>((a, b) -> Long.compare(a.expiresAtMillis(), b.expiresAtMillis()));
  private long refusedSinceFull;

  AcceptedSignatures(Clock clock, Duration tolerance, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.clock = clock;
    this.toleranceMillis = tolerance.toMillis();
    this.capacity = capacity;
  }

  /**
   * Remembers a verified signature.
   *
   * @param signature the signature, normalised (stripped, lower-case): the same bytes spelt
   *     otherwise are the same request
   * @param timestampMillis the request's verified timestamp
   */
  synchronized Outcome remember(String signature, long timestampMillis) {
    long now = clock.millis();
    evictExpired(now);
    if (signatures.contains(signature)) {
      return Outcome.REPLAY;
    }
    if (signatures.size() >= capacity) {
      if (refusedSinceFull++ == 0) {
        log.warn(
            "Remembering {} check-back signatures (each until its timestamp is more than {} s old)"
                + " to refuse their replays, the most this producer keeps: refusing new check-backs"
                + " with 503 until the oldest expire; the broker asks again later",
            capacity,
            toleranceMillis / 1000);
      }
      return Outcome.FULL;
    }
    if (refusedSinceFull > 0) {
      log.info(
          "Check-back replay memory has room: accepting check-backs again after refusing {}",
          refusedSinceFull);
      refusedSinceFull = 0;
    }
    signatures.add(signature);
    // The verifier accepts the timestamp while |now - timestamp| <= tolerance.
    byExpiry.add(new Entry(timestampMillis + toleranceMillis, signature));
    return Outcome.FIRST;
  }

  synchronized int size() {
    return signatures.size();
  }

  private void evictExpired(long now) {
    Entry oldest;
    while ((oldest = byExpiry.peek()) != null && oldest.expiresAtMillis() < now) {
      byExpiry.poll();
      signatures.remove(oldest.signature());
    }
  }
}
