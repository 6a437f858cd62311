package io.halfmsg.broker.scan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns many small items from many threads into few batches handled on its own threads: under load
 * one statement serves hundreds of items, when idle an item waits no longer than it takes to be
 * picked up. The queue is bounded; {@link #offer} refuses when it is full, and callers fall back to
 * whatever recovers lost items anyway.
 */
public final class Batcher<T> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Batcher.class);

  private final BlockingQueue<T> queue;
  private final int maxBatch;
  private final Consumer<List<T>> handler;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  public Batcher(
      String name, int capacity, int maxBatch, int threadCount, Consumer<List<T>> handler) {
    this.queue = new ArrayBlockingQueue<>(capacity);
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
    return running && queue.offer(item);
  }

  private void drain() {
    List<T> batch = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty()) {
      try {
        T first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        handler.accept(List.copyOf(batch));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("Batch of {} failed: {}", batch.size(), e.toString());
      } finally {
        batch.clear();
      }
    }
  }

  /** Stops taking items and lets the threads finish what is queued, up to {@code patience}. */
  public void close(Duration patience) {
    running = false;
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
