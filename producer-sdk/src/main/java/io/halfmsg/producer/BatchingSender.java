package io.halfmsg.producer;

import io.halfmsg.api.BatchItemResult;
import io.halfmsg.api.client.BrokerHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Items from many threads sent to the broker in shared batch requests, as Kafka's producer does: at
 * most {@code senders} requests are in flight, and each takes everything that queued while the
 * previous ones were under way (up to {@code maxBatch}). Nothing waits on purpose, so a lone item
 * goes out at once, and under load one request carries many.
 *
 * <p>Retries live here too, per item: an item the broker did not write (network error, 5xx, 429, an
 * answer that could not be read, or a 503 for that item alone) is queued again after a backoff
 * until its {@link Retries} are spent; an answer with {@code Retry-After} holds back every sender
 * for that long, so an overloaded broker is given the pause it asked for. Memory is bounded: the
 * queue has a capacity, and retries count against it.
 */
final class BatchingSender<I> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BatchingSender.class);

  /** How long an item is retried; whichever of attempts and time runs out first ends it. */
  record Retries(
      int maxAttempts, Duration giveUpAfter, Duration firstBackoff, Duration maxBackoff) {}

  /** One batch request: per-item results in request order, or the answer of a failed request. */
  record Outcome(List<BatchItemResult> results, BrokerHttp.Answer failure) {
    static Outcome of(List<BatchItemResult> results) {
      return new Outcome(results, null);
    }

    static Outcome failed(BrokerHttp.Answer answer) {
      return new Outcome(null, answer);
    }
  }

  private final class Pending {
    final I item;
    final CompletableFuture<BatchItemResult> result = new CompletableFuture<>();
    final long deadline;
    int attempts;
    Duration backoff;
    BatchItemResult last;

    Pending(I item) {
      this.item = item;
      this.deadline = System.nanoTime() + retries.giveUpAfter().toNanos();
      this.backoff = retries.firstBackoff();
    }
  }

  private final String name;
  private final Function<List<I>, Outcome> call;
  private final Function<I, String> idOf;
  private final Retries retries;
  private final int maxBatch;
  private final BlockingQueue<Pending> queue;
  private final Set<Pending> waitingForRetry = ConcurrentHashMap.newKeySet();
  private final int capacity;
  private final RetryScheduler scheduler;
  private final List<Thread> threads = new ArrayList<>();
  private volatile long holdUntilNanos = System.nanoTime();
  private volatile boolean running = true;

  /** Schedules a task later; false if it cannot (the producer is closing). */
  interface RetryScheduler {
    boolean schedule(Runnable task, Duration delay);
  }

  BatchingSender(
      String name,
      int senders,
      int maxBatch,
      int capacity,
      Retries retries,
      Function<I, String> idOf,
      Function<List<I>, Outcome> call,
      RetryScheduler scheduler) {
    this.name = name;
    this.call = call;
    this.idOf = idOf;
    this.retries = retries;
    this.maxBatch = maxBatch;
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.scheduler = scheduler;
    for (int i = 0; i < senders; i++) {
      Thread t = new Thread(this::run, name + "-" + (i + 1));
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /**
   * Queues {@code item}, waiting up to {@code maxBlock} for room.
   *
   * @return its final result: 2xx, a refusal, or the last retryable failure once retries are spent
   * @throws QueueFullException if there was no room in time
   */
  CompletableFuture<BatchItemResult> submit(I item, Duration maxBlock) {
    Pending p = new Pending(item);
    boolean queued;
    try {
      queued =
          running
              && waitingForRetry.size() < capacity
              && queue.offer(p, maxBlock.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      queued = false;
    }
    if (!queued) {
      throw new QueueFullException(
          running
              ? name + " queue is full (" + capacity + " items waiting for the broker)"
              : name + " is closed");
    }
    return p.result;
  }

  /** The number of items queued or waiting for a retry. */
  int backlog() {
    return queue.size() + waitingForRetry.size();
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        holdIfAsked();
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        send(batch);
      } catch (InterruptedException e) {
        batch.forEach(p -> finish(p, failure(p, 0, "interrupted", null)));
        return;
      } catch (RuntimeException e) {
        log.warn("{}: a batch of {} failed: {}", name, batch.size(), e.toString());
        batch.forEach(p -> finish(p, failure(p, 0, e.toString(), null)));
      } finally {
        batch.clear();
      }
    }
  }

  private void holdIfAsked() throws InterruptedException {
    long wait = holdUntilNanos - System.nanoTime();
    if (wait > 0 && running) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private void send(List<Pending> batch) {
    List<I> items = new ArrayList<>(batch.size());
    batch.forEach(p -> items.add(p.item));
    batch.forEach(p -> p.attempts++);
    Outcome outcome = call.apply(items);
    if (outcome.failure() != null) {
      BrokerHttp.Answer a = outcome.failure();
      if (a.retryAfter() != null) {
        holdUntilNanos = Math.max(holdUntilNanos, System.nanoTime() + a.retryAfter().toNanos());
      }
      for (Pending p : batch) {
        BatchItemResult r =
            failure(p, a.status(), BrokerApi.detail(a), Json.field(a.body(), "type"));
        if (a.retryable()) {
          retryOrFinish(p, r, a.retryAfter());
        } else {
          finish(p, r);
        }
      }
      return;
    }
    List<BatchItemResult> results = outcome.results();
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      BatchItemResult r =
          i < results.size() && results.get(i) != null
              ? results.get(i)
              : failure(p, 502, "the broker's answer has no result for this item", null);
      if (r.retryable()) {
        retryOrFinish(p, r, null);
      } else {
        finish(p, r);
      }
    }
  }

  private void retryOrFinish(Pending p, BatchItemResult last, Duration retryAfter) {
    Duration delay =
        retryAfter != null && retryAfter.compareTo(p.backoff) > 0 ? retryAfter : p.backoff;
    // Jitter, so that the callers of one failed batch do not come back as one batch again.
    delay = delay.plusMillis(ThreadLocalRandom.current().nextLong(delay.toMillis() / 4 + 1));
    long timeLeft = p.deadline - System.nanoTime();
    if (!running || p.attempts >= retries.maxAttempts() || timeLeft <= 0) {
      finish(p, last);
      return;
    }
    // A backoff that would end past the deadline is cut to it: the item is tried once more at its
    // deadline, not given up a whole backoff (up to maxBackoff) before it.
    if (delay.toNanos() > timeLeft) {
      delay = Duration.ofNanos(timeLeft);
    }
    Duration next = p.backoff.multipliedBy(2);
    p.backoff = next.compareTo(retries.maxBackoff()) > 0 ? retries.maxBackoff() : next;
    p.last = last;
    if (waitingForRetry.size() >= capacity || !waitingForRetry.add(p)) {
      finish(p, last);
      return;
    }
    log.debug(
        "{}: {} not written ({} {}); retrying in {}",
        name,
        idOf.apply(p.item),
        last.status(),
        last.detail(),
        delay);
    boolean scheduled =
        scheduler.schedule(
            () -> {
              if (waitingForRetry.remove(p) && (!running || !queue.offer(p))) {
                finish(p, last);
              }
            },
            delay);
    if (!scheduled && waitingForRetry.remove(p)) {
      finish(p, last);
    }
  }

  private BatchItemResult failure(Pending p, int status, String detail, String type) {
    return new BatchItemResult(idOf.apply(p.item), status, null, type, detail);
  }

  private void finish(Pending p, BatchItemResult r) {
    p.result.complete(r);
  }

  /**
   * Stops taking items; what is queued is still sent, for up to {@code patience}; whatever is left
   * then completes as not sent.
   */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  void close(Duration patience) {
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
    Pending p;
    while ((p = queue.poll()) != null) {
      finish(p, failure(p, 0, name + " closed before this was sent", null));
    }
    // Their retries will not run any more: they end with what the broker last said.
    for (Pending waiting : List.copyOf(waitingForRetry)) {
      if (waitingForRetry.remove(waiting)) {
        finish(waiting, waiting.last);
      }
    }
  }

  /** No room in the queue: the broker is slower than the callers, or unreachable. */
  static final class QueueFullException extends RuntimeException {
    QueueFullException(String message) {
      super(message);
    }
  }
}
