package io.halfmsg.broker.scan;

import io.halfmsg.api.logging.LogContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The loop every broker instance runs to share background work without a leader: poll, claim a
 * batch of due rows (SKIP LOCKED, pushing them forward by a lease in the same short transaction),
 * process each outside any transaction on a bounded pool, and write results with version-checked
 * updates. A row whose instance dies comes due again when its lease runs out.
 *
 * <p>The claim is this class's, the same for every scanner: one short transaction that locks due
 * rows ({@link #lockDue}) and pushes them forward by the lease, bumping their versions ({@link
 * #extendLease}). Subclasses say which rows those statements touch, what work the claimed rows
 * become ({@link #toWork}), how to process one item ({@link #process}) and which message it is
 * about ({@link #logContext}).
 *
 * @param <C> a claimed row, as {@link #lockDue} reads it
 * @param <T> an item of work made of claimed rows
 */
public abstract class ClaimingScanner<C, T> implements SmartLifecycle {

  private final Logger log = LoggerFactory.getLogger(getClass());
  private final String name;
  private final Settings settings;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Semaphore slots;
  private final AtomicLong failures = new AtomicLong();
  private volatile ScheduledExecutorService scheduler;
  private volatile ExecutorService workers;

  /**
   * @param pollInterval how often to look for due rows
   * @param batchSize most rows claimed at once
   * @param concurrency most items processed at once; twice as many may be claimed and queued
   * @param lease how far a claim pushes its rows forward: no other instance takes them sooner
   * @param enabled whether this instance runs the scanner at all
   */
  public record Settings(
      Duration pollInterval, int batchSize, int concurrency, Duration lease, boolean enabled) {}

  protected ClaimingScanner(
      String name, Settings settings, TransactionTemplate transaction, Clock clock) {
    this.name = name;
    this.settings = settings;
    this.transaction = transaction;
    this.clock = clock;
    // Claim no more than can be processed well within the lease.
    this.slots = new Semaphore(2 * settings.concurrency());
  }

  /**
   * Locks up to {@code limit} rows due at {@code now}, skipping those other instances hold ({@code
   * SELECT … ORDER BY next_… LIMIT n FOR UPDATE SKIP LOCKED}). Runs in the claim's transaction.
   */
  protected abstract List<C> lockDue(Instant now, int limit);

  /** The primary key of a claimed row, for {@link #extendLease}. */
  protected abstract long idOf(C row);

  /**
   * Pushes the rows' next due time to {@code leaseUntil} and bumps their versions; returns the
   * number of rows changed. Runs in the claim's transaction, on rows it locked.
   */
  protected abstract int extendLease(List<Long> ids, Instant leaseUntil);

  /** The work the claimed rows become, once the claim has committed (e.g. read more about them). */
  protected abstract List<T> toWork(List<C> claimed, Instant now);

  /** Claims up to {@code limit} due rows, leasing them to this instance, as work items. */
  public final List<T> claim(int limit) {
    Instant now = clock.instant();
    List<C> claimed =
        transaction.execute(
            status -> {
              List<C> due = lockDue(now, limit);
              if (due.isEmpty()) {
                return due;
              }
              int leased =
                  extendLease(due.stream().map(this::idOf).toList(), now.plus(settings.lease()));
              if (leased != due.size()) {
                // Locked rows cannot change under us: a mismatch means the statements disagree
                // about which rows are due (a bug), and some rows may be processed twice.
                log.error(
                    "{} locked {} rows but the lease update changed {}; check that lockDue and"
                        + " extendLease name the same rows",
                    name,
                    due.size(),
                    leased);
              }
              return due;
            });
    return claimed == null || claimed.isEmpty() ? List.of() : toWork(claimed, now);
  }

  /**
   * Processes one claimed row and records the result.
   *
   * @throws InterruptedException when shutting down: record nothing, the lease brings it back
   */
  protected abstract void process(T item) throws InterruptedException;

  /**
   * The message and group that {@link #process} works on, put in the MDC around it and around the
   * log line of its failure.
   */
  protected abstract LogContext logContext(T item);

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

  /**
   * Claims and dispatches due rows while batches come back full: a short batch means nothing more
   * is due now, so the next look waits for the next poll. After a full one it claims again as soon
   * as half the slots are free (waiting at most a poll interval), so a backlog — many delayed
   * messages due at one second, the forwards an outage held up — drains as fast as the workers go,
   * not one claim per poll, and still never more than {@link #inFlight} rows at a time.
   */
  public void scan() {
    try {
      boolean full;
      do {
        full = scanOnce();
      } while (full && isRunning() && awaitRoom());
    } catch (Throwable e) {
      // Anything escaping a scheduled task cancels its later runs for good: this one must not.
      failures.incrementAndGet();
      log.warn("{} scan failed; retrying at the next poll", name, e);
    }
  }

  /**
   * Items claimed and not yet processed, queued or running: never more than {@code 2 ×
   * concurrency}, however many rows are due, since a claim takes no more than the free slots. What
   * a scanner holds in memory.
   */
  public int inFlight() {
    return 2 * settings.concurrency() - slots.availablePermits();
  }

  /** Waits until half the slots are free, at most a poll interval; false if interrupted. */
  private boolean awaitRoom() {
    int half = Math.max(1, settings.concurrency());
    try {
      if (slots.tryAcquire(half, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
        slots.release(half);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Scans and items that failed with an exception or error, since the start. */
  public long failures() {
    return failures.get();
  }

  /** One claim and its dispatch; true if the batch was full (more may be due). */
  private boolean scanOnce() {
    int room = Math.min(settings.batchSize(), slots.availablePermits());
    if (room == 0) {
      return false;
    }
    List<T> due = claim(room);
    if (due.isEmpty()) {
      return false;
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
    return due.size() == room;
  }

  private void run(T item) {
    try (LogContext ignored = logContext(item)) {
      process(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      failures.incrementAndGet();
      log.warn("{} failed on {}; it comes due again", name, item, e);
    } finally {
      slots.release();
    }
  }

  private void safeHousekeeping() {
    try {
      housekeeping();
    } catch (Throwable e) {
      failures.incrementAndGet();
      log.warn("{} housekeeping failed; trying again at the next run", name, e);
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
