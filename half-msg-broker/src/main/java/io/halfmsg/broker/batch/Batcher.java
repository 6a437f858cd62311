package io.halfmsg.broker.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns many small items from many threads into few batches handled on its own threads: under load
 * one statement serves hundreds of items, when idle an item waits no longer than it takes to be
 * picked up.
 *
 * <p>Items are queued in units ({@link #offerAll}): a unit is handled whole, in one call of the
 * handler, so that a batch request's items end up in one transaction. The queue is bounded by
 * {@code capacity} items; {@link #offer} and {@link #offerAll} refuse when a unit does not fit, and
 * callers either fall back to whatever recovers lost items anyway or tell their client to come back
 * later.
 */
public final class Batcher<T> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Batcher.class);

  private final BlockingQueue<List<T>> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedItems = new AtomicInteger();
  private final Object admission = new Object();
  private final int capacity;
  private final int maxBatch;
  private final Consumer<List<T>> handler;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean running = true;

  public Batcher(
      String name, int capacity, int maxBatch, int threadCount, Consumer<List<T>> handler) {
    if (capacity < 1 || maxBatch < 1 || threadCount < 1) {
      throw new IllegalArgumentException("capacity, maxBatch and threadCount must be at least 1");
    }
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.handler = handler;
    for (int i = 0; i < threadCount; i++) {
      Thread t = new Thread(this::drain, name + "-" + (i + 1));
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Queues an item; false if the queue is full or closed. */
  public boolean offer(T item) {
    return offerAll(List.of(item));
  }

  /**
   * Queues items as one unit, all or none; false if they do not fit or the queue is closed. A unit
   * larger than the whole capacity fits only into an empty queue: it is not refused forever, and
   * the items waiting never exceed the larger of the capacity and one unit.
   */
  public boolean offerAll(List<T> items) {
    if (items.isEmpty()) {
      return true;
    }
    // Offers check and add under one lock; the drain threads only ever lower the count, which
    // cannot make an admitted unit overflow.
    synchronized (admission) {
      if (!running) {
        return false;
      }
      int waiting = queuedItems.get();
      if (waiting > 0 && waiting + items.size() > capacity) {
        return false;
      }
      queuedItems.addAndGet(items.size());
      queue.add(List.copyOf(items));
    }
    return true;
  }

  /** Batches whose handler threw, since the start. */
  public long failures() {
    return failures.get();
  }

  /** Items queued and not yet taken by a drain thread. */
  public int waiting() {
    return queuedItems.get();
  }

  private void drain() {
    List<T> batch = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty()) {
      try {
        List<T> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.addAll(first);
        // Whole units only: a batch may end up larger than maxBatch by the last unit taken.
        List<T> next;
        while (batch.size() < maxBatch && (next = queue.poll()) != null) {
          batch.addAll(next);
        }
        queuedItems.addAndGet(-batch.size());
        handler.accept(List.copyOf(batch));
      } catch (InterruptedException e) {
        return;
      } catch (Throwable e) {
        // Whatever the handler threw, the thread goes on draining: a dead drain thread would
        // leave every later caller waiting for an answer that never comes.
        failures.incrementAndGet();
        log.error("Batch of {} failed", batch.size(), e);
      } finally {
        batch.clear();
      }
    }
  }

  /** Stops taking items and lets the threads finish what is queued, up to {@code patience}. */
  public void close(Duration patience) {
    synchronized (admission) {
      running = false;
    }
    long deadline = System.nanoTime() + patience.toNanos();
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      t.interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
