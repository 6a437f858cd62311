package io.halfmsg.broker.periodic;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A task run on a daemon thread of its own with a fixed delay between runs, for the broker's
 * periodic upkeep (store gauges, retention), started and stopped with the component that owns it. A
 * run that throws is handed to {@code onFailure} and the next run happens as planned: anything
 * escaping a task given to a {@link ScheduledExecutorService} would cancel its later runs for good.
 */
public final class PeriodicJob {

  private final String threadName;
  private final Duration firstRunAfter;
  private final Duration interval;
  private final Runnable task;
  private final Consumer<Throwable> onFailure;
  private volatile ScheduledExecutorService scheduler;

  public PeriodicJob(
      String threadName,
      Duration firstRunAfter,
      Duration interval,
      Runnable task,
      Consumer<Throwable> onFailure) {
    this.threadName = Objects.requireNonNull(threadName, "threadName");
    this.firstRunAfter = Objects.requireNonNull(firstRunAfter, "firstRunAfter");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.task = Objects.requireNonNull(task, "task");
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
  }

  public synchronized void start() {
    if (scheduler != null) {
      return;
    }
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    s.scheduleWithFixedDelay(
        this::runOnce, firstRunAfter.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    scheduler = s;
  }

  /** Stops at once: a run under way is interrupted. */
  public synchronized void stop() {
    ScheduledExecutorService s = scheduler;
    scheduler = null;
    if (s != null) {
      s.shutdownNow();
    }
  }

  public boolean isRunning() {
    return scheduler != null;
  }

  private void runOnce() {
    try {
      task.run();
    } catch (Throwable e) {
      onFailure.accept(e);
    }
  }
}
