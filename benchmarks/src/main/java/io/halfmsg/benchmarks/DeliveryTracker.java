package io.halfmsg.benchmarks;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows each message of a round from its start to the consumer's handler, inside the driver JVM,
 * so both ends read the same {@link System#nanoTime()} clock.
 *
 * <p>The start is the producer's local commit in the closed loop ({@link #localCommitted}, called
 * right after the local transaction committed and before the commit of the message is sent), and
 * the scheduled send time in the open loop ({@link #scheduled}, which then wins over the local
 * commit). The end is the first line of the handler, after the dedupe row was inserted and before
 * the business work; a handler that runs again for a message already seen (after a rollback) is
 * counted, not measured twice.
 */
final class DeliveryTracker {

  private final ConcurrentHashMap<String, Long> started = new ConcurrentHashMap<>();
  private final LatencyRecorder latency = new LatencyRecorder();
  private final AtomicLong arrived = new AtomicLong();
  private final AtomicLong unexpected = new AtomicLong();
  private final AtomicLong lastArrival = new AtomicLong();

  void scheduled(String key, long nanos) {
    started.put(key, nanos);
  }

  void localCommitted(String key) {
    started.putIfAbsent(key, System.nanoTime());
  }

  /** The handler saw the message. */
  void arrived(String key) {
    long now = System.nanoTime();
    Long start = started.remove(key);
    if (start == null) {
      unexpected.incrementAndGet();
      return;
    }
    latency.recordNanos(now - start);
    arrived.incrementAndGet();
    lastArrival.accumulateAndGet(now, Math::max);
  }

  long arrivedCount() {
    return arrived.get();
  }

  long unexpected() {
    return unexpected.get();
  }

  long lastArrivalNanos() {
    return lastArrival.get();
  }

  LatencyRecorder latency() {
    return latency;
  }

  /**
   * Records every message still under way as if it arrived {@code now}: a lower bound of its
   * latency, so that messages that did not make it in time are not left out of the percentiles.
   * Forgets them afterwards.
   *
   * @return how many there were
   */
  int cutOff(long now) {
    int n = 0;
    for (var e : started.entrySet()) {
      if (started.remove(e.getKey(), e.getValue())) {
        latency.recordNanos(now - e.getValue());
        n++;
      }
    }
    return n;
  }

  void reset() {
    started.clear();
    latency.reset();
    arrived.set(0);
    unexpected.set(0);
    lastArrival.set(0);
  }
}
