package io.halfmsg.benchmarks;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Messages offered at a fixed rate for a fixed time, whether or not earlier ones have completed:
 * message {@code i} is due at {@code start + i / rate}. A pool of sender threads takes the next due
 * message, waits for its time if it is early, and sends it; when all senders are busy, messages go
 * out late, and their latency still counts from the time they were due (so coordinated omission
 * does not hide the queueing). Latency is due time → the consumer's handler.
 *
 * <p>Messages not even sent by the cut-off ({@code seconds + drain} after the start) are not sent,
 * and every message not handled by then is counted with its latency at the cut-off, a lower bound
 * ({@link RoundResult#late()}). Then the round waits, unmeasured, for the consumers to finish what
 * was sent, so that the next round starts clean.
 */
final class OpenLoopRound {

  private static final Duration BACKLOG_LIMIT = Duration.ofMinutes(3);

  private final Processes processes;
  private final int bodyBytes;
  private final int senders;
  private final int seconds;
  private final int drainSeconds;

  OpenLoopRound(Processes processes, BenchSettings s) {
    this.processes = processes;
    this.bodyBytes = s.bodyBytes();
    this.senders = s.openLoopSenders();
    this.seconds = s.openLoopSeconds();
    this.drainSeconds = s.drainSeconds();
  }

  RoundResult run(
      Pipeline pipeline, DeliveryTracker tracker, String workload, int rate, String keyPrefix)
      throws InterruptedException {
    tracker.reset();
    long committedBefore = pipeline.committed();
    long messages = (long) rate * seconds;
    double interval = 1e9 / rate;
    AtomicLong next = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    CountDownLatch done = new CountDownLatch(senders);
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    double[] cpuBefore = processes.cpuSeconds();
    double jitBefore = processes.jitSeconds();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    long cutOff = start + TimeUnit.SECONDS.toNanos(seconds + drainSeconds);
    try {
      for (int t = 0; t < senders; t++) {
        pool.execute(
            () -> {
              try {
                long i;
                while ((i = next.getAndIncrement()) < messages) {
                  long due = start + (long) (i * interval);
                  long wait;
                  while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  if (System.nanoTime() >= cutOff) {
                    break;
                  }
                  String key = keyPrefix + i;
                  tracker.scheduled(key, due);
                  try {
                    (pipeline.send(OrderEvent.of(key, i, bodyBytes)) ? sent : failed)
                        .incrementAndGet();
                  } catch (Exception e) {
                    failed.incrementAndGet();
                  }
                }
              } finally {
                done.countDown();
              }
            });
      }
      done.await();
    } finally {
      pool.shutdownNow();
    }
    long left = cutOff - System.nanoTime();
    if (left > TimeUnit.MILLISECONDS.toNanos(10)) {
      try {
        await()
            .atMost(Duration.ofNanos(left))
            .pollInterval(Duration.ofMillis(1))
            .until(() -> tracker.arrivedCount() >= sent.get());
      } catch (ConditionTimeoutException e) {
        // Reported below as late messages.
      }
    }
    long late = tracker.cutOff(System.nanoTime());
    double[] cpuAfter = processes.cpuSeconds();
    double jitAfter = processes.jitSeconds();
    long consumed = tracker.arrivedCount();
    long last = tracker.lastArrivalNanos();
    double elapsed = ((late > 0 || last == 0) ? System.nanoTime() : last) - start;
    try {
      await()
          .atMost(BACKLOG_LIMIT)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> pipeline.committed() - committedBefore >= sent.get());
    } catch (ConditionTimeoutException e) {
      System.out.printf(
          "warning: %s still has a backlog after the %d msg/s round; the next round shares it%n",
          pipeline.mode(), rate);
    }
    return new RoundResult(
        "open",
        workload,
        pipeline.mode(),
        rate,
        1,
        messages,
        sent.get(),
        failed.get(),
        consumed,
        elapsed / 1e9,
        tracker.latency().snapshot(),
        late,
        Processes.perMessageMillis(cpuBefore, cpuAfter, Math.max(1, consumed)),
        (jitAfter - jitBefore) * 1000.0 / Math.max(1, consumed));
  }
}
