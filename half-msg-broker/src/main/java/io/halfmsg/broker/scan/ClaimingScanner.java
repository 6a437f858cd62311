package io.halfmsg.broker.scan;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The loop every broker instance runs to share background work without a leader: poll, claim a
 * batch of due rows (SKIP LOCKED, pushing them forward by a lease in the same short transaction),
 * process each outside any transaction on a bounded pool, and write results with version-checked
 * updates. A row whose instance dies comes due again when its lease runs out.
 *
 * <p>Subclasses say what to claim and how to process one claimed item.
 */
public abstract class ClaimingScanner<T> implements SmartLifecycle {

  private final Logger log = LoggerFactory.getLogger(getClass());
  private final String name;
  private final Settings settings;
  private final Semaphore slots;
  private volatile ScheduledExecutorService scheduler;
  private volatile ExecutorService workers;

  /**
   * @param pollInterval how often to look for due rows
   * @param batchSize most rows claimed at once
   * @param concurrency most items processed at once; twice as many may be claimed and queued
   * @param enabled whether this instance runs the scanner at all
   */
  public record Settings(Duration pollInterval, int batchSize, int concurrency, boolean enabled) {}

  protected ClaimingScanner(String name, Settings settings) {
    this.name = name;
    this.settings = settings;
    // Claim no more than can be processed well within the lease.
    this.slots = new Semaphore(2 * settings.concurrency());
  }

  /** Claims up to {@code limit} due rows, leasing them to this instance. */
  protected abstract List<T> claim(int limit);

  /**
   * Processes one claimed row and records the result.
   *
   * @throws InterruptedException when shutting down: record nothing, the lease brings it back
   */
  protected abstract void process(T item) throws InterruptedException;

  /** Extra periodic upkeep on the scanner's thread, e.g. cleanup; nothing by default. */
  protected void housekeeping() {}

  @Override
  public void start() {
    if (!settings.enabled()) {
      log.info("{} disabled on this instance", name);
      return;
    }
    workers = Executors.newFixedThreadPool(settings.concurrency(), named(name));
    scheduler = Executors.newSingleThreadScheduledExecutor(named(name + "-scan"));
    long poll = settings.pollInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::scan, poll, poll, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::safeHousekeeping, 1, 10, TimeUnit.MINUTES);
  }

  /** Claims and dispatches due rows until none are left or all slots are busy. */
  public void scan() {
    try {
      int claimed;
      do {
        claimed = scanOnce();
      } while (claimed > 0 && slots.availablePermits() > 0 && isRunning());
    } catch (RuntimeException e) {
      log.warn("{} scan failed; retrying at the next poll: {}", name, e.toString());
    }
  }

  private int scanOnce() {
    int room = Math.min(settings.batchSize(), slots.availablePermits());
    if (room == 0) {
      return 0;
    }
    List<T> due = claim(room);
    if (due.isEmpty()) {
      return 0;
    }
    slots.acquireUninterruptibly(due.size());
    ExecutorService pool = workers;
    for (T item : due) {
      try {
        pool.execute(() -> run(item));
      } catch (RuntimeException rejected) {
        // Shutting down: the lease brings the row back to another instance.
        slots.release();
      }
    }
    return due.size();
  }

  private void run(T item) {
    try {
      process(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("{} failed on {}; it comes due again: {}", name, item, e.toString());
    } finally {
      slots.release();
    }
  }

  private void safeHousekeeping() {
    try {
      housekeeping();
    } catch (RuntimeException e) {
      log.debug("{} housekeeping failed: {}", name, e.toString());
    }
  }

  @Override
  public void stop() {
    ScheduledExecutorService s = scheduler;
    ExecutorService w = workers;
    scheduler = null;
    workers = null;
    if (s != null) {
      s.shutdownNow();
    }
    if (w != null) {
      // Interrupts work in flight; its rows come due again when the lease runs out.
      w.shutdownNow();
      try {
        w.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return scheduler != null;
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
