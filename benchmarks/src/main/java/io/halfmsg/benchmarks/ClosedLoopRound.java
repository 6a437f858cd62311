package io.halfmsg.benchmarks;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;

/**
 * N messages sent by T threads, each sending its next message as soon as the previous send
 * returned; the round ends when the consumer has committed all of them. Measures end-to-end
 * messages per second (first send to last consumer commit), local-commit-to-handler latency and
 * each process's CPU.
 */
final class ClosedLoopRound {

  /** Longest a round may take before it is reported incomplete instead of hanging the run. */
  private static final Duration LIMIT = Duration.ofMinutes(5);

  private final Processes processes;
  private final int bodyBytes;

  ClosedLoopRound(Processes processes, int bodyBytes) {
    this.processes = processes;
    this.bodyBytes = bodyBytes;
  }

  RoundResult run(
      Pipeline pipeline,
      DeliveryTracker tracker,
      String workload,
      int threads,
      int messages,
      int round,
      String keyPrefix)
      throws InterruptedException {
    tracker.reset();
    long committedBefore = pipeline.committed();
    AtomicLong next = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    CountDownLatch done = new CountDownLatch(threads);
    ExecutorService senders = Executors.newFixedThreadPool(threads);
    double[] cpuBefore = processes.cpuSeconds();
    double jitBefore = processes.jitSeconds();
    long start = System.nanoTime();
    try {
      for (int t = 0; t < threads; t++) {
        senders.execute(
            () -> {
              try {
                long i;
                while ((i = next.getAndIncrement()) < messages) {
                  OrderEvent order = OrderEvent.of(keyPrefix + i, i, bodyBytes);
                  try {
                    (pipeline.send(order) ? sent : failed).incrementAndGet();
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
      senders.shutdownNow();
    }
    long end;
    try {
      // Polled every millisecond in both modes, so both ends are seen with the same resolution.
      await()
          .atMost(LIMIT)
          .pollInterval(Duration.ofMillis(1))
          .until(() -> pipeline.committed() - committedBefore >= sent.get());
      end = System.nanoTime();
    } catch (ConditionTimeoutException e) {
      end = System.nanoTime();
    }
    double[] cpuAfter = processes.cpuSeconds();
    double jitAfter = processes.jitSeconds();
    long consumed = Math.min(tracker.arrivedCount(), pipeline.committed() - committedBefore);
    return new RoundResult(
        "closed",
        workload,
        pipeline.mode(),
        threads,
        round,
        messages,
        sent.get(),
        failed.get(),
        consumed,
        (end - start) / 1e9,
        tracker.latency().snapshot(),
        0,
        Processes.perMessageMillis(cpuBefore, cpuAfter, messages),
        (jitAfter - jitBefore) * 1000.0 / Math.max(1, messages));
  }
}
