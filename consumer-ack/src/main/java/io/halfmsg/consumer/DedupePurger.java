package io.halfmsg.consumer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the group's dedupe rows older than the retention, every interval, in small batches each
 * in its own transaction. Off unless {@link HalfmsgConsumer.Builder#dedupeRetention} is set: a row
 * must outlive every redelivery of its message, and an operator may replay a DEAD delivery at any
 * time — a message applied whose acks never reached the broker would then be applied again.
 */
final class DedupePurger implements AutoCloseable {

  /** Rows deleted per transaction, so no delete holds many row locks or a long undo log. */
  static final int BATCH = 1000;

  private static final Logger log = LoggerFactory.getLogger(DedupePurger.class);

  private final LocalTransactions transactions;
  private final DedupeTable table;
  private final String group;
  private final Duration retention;
  private final Duration interval;
  private final Clock clock;
  private ScheduledExecutorService scheduler;

  DedupePurger(
      LocalTransactions transactions,
      DedupeTable table,
      String group,
      Duration retention,
      Duration interval,
      Clock clock) {
    this.transactions = transactions;
    this.table = table;
    this.group = group;
    this.retention = retention;
    this.interval = interval;
    this.clock = clock;
  }

  /** Deletes the group's rows consumed more than the retention ago; returns how many. */
  int purgeNow() throws Exception {
    Instant before = clock.instant().minus(retention);
    int total = 0;
    int deleted;
    do {
      deleted = transactions.execute(c -> table.purge(c, group, before, BATCH));
      total += deleted;
    } while (deleted == BATCH);
    if (total > 0) {
      log.info("Purged {} dedupe rows of group {} older than {}", total, group, retention);
    }
    return total;
  }

  void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "halfmsg-dedupe-purge-" + group);
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(
        this::purgeQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void purgeQuietly() {
    try {
      purgeNow();
    } catch (Exception e) {
      // The next run tries again; a failed purge only leaves rows a little longer.
      log.warn("Purging dedupe rows of group {} failed: {}", group, e.toString());
    }
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
