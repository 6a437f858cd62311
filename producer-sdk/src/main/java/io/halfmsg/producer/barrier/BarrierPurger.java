package io.halfmsg.producer.barrier;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes barrier rows once the broker can no longer ask about their messages, so the table does
 * not grow forever. With the broker's default policies check-backs end about 7 hours after a
 * prepare (then the message is resolved or parked for an operator, who decides without asking), so
 * the default retention of 7 days leaves a wide margin.
 *
 * <p>{@link #start()} runs {@link #purgeNow()} every interval on one daemon thread; every producer
 * instance may run one (the deletes are small batches by age). The Spring Boot auto-configuration
 * starts one unless {@code halfmsg.producer.barrier.retention=0}.
 */
public final class BarrierPurger implements AutoCloseable {

  /** Rows deleted per statement, so no delete holds many row locks or a long undo log. */
  static final int BATCH = 1000;

  private static final Logger log = LoggerFactory.getLogger(BarrierPurger.class);

  private final DataSource dataSource;
  private final BarrierTable table;
  private final Duration retention;
  private final Duration interval;
  private final Clock clock;
  private ScheduledExecutorService scheduler;

  /**
   * @param retention how long rows are kept after they were written; positive
   * @param interval how often {@link #start()} purges; positive
   */
  public BarrierPurger(
      DataSource dataSource,
      BarrierTable table,
      Duration retention,
      Duration interval,
      Clock clock) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.table = Objects.requireNonNull(table, "table");
    this.retention = positive(retention, "retention");
    this.interval = positive(interval, "interval");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private static Duration positive(Duration d, String name) {
    if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + d);
    }
    return d;
  }

  /**
   * Deletes every row written more than the retention ago, in batches.
   *
   * @return rows deleted
   */
  public int purgeNow() throws SQLException {
    var before = clock.instant().minus(retention);
    int total = 0;
    int deleted;
    do {
      deleted = table.purge(dataSource, before, BATCH);
      total += deleted;
    } while (deleted == BATCH);
    if (total > 0) {
      log.info("Purged {} rows older than {} from {}", total, retention, table.name());
    }
    return total;
  }

  /** Purges now and then every interval, on a daemon thread, until {@link #close()}. */
  public synchronized BarrierPurger start() {
    if (scheduler != null) {
      throw new IllegalStateException("Already started");
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "halfmsg-barrier-purge");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(
        this::purgeQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void purgeQuietly() {
    try {
      purgeNow();
    } catch (SQLException | RuntimeException e) {
      // The next run tries again; a failed purge only leaves rows a little longer.
      log.warn("Purging {} failed: {}", table.name(), e.toString());
    }
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "BarrierPurger[" + table.name() + ", retention=" + retention + "]";
  }
}
