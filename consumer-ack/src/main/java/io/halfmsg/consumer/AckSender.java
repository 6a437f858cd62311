package io.halfmsg.consumer;

import io.halfmsg.api.AckRequest;
import io.halfmsg.api.client.BrokerHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends acks to the broker from one background thread, many per request: a batch goes out when it
 * is full or when its first ack has waited {@code maxDelay}. A batch that fails with a network
 * error, a 5xx or an answer that cannot be read is retried with backoff (and on the next broker
 * URL) until it goes through, with a warning when such failures begin; acks are idempotent, so a
 * batch that went through but whose answer was lost does no harm.
 *
 * <p>Nothing here is needed for correctness, only for speed: an ack that is never sent (queue full,
 * broker refusing it, process killed) makes the broker redeliver after the ack timeout, and the
 * dedupe row turns that redelivery into a no-op plus another ack.
 */
final class AckSender implements Acks {

  private static final Logger log = LoggerFactory.getLogger(AckSender.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration SLICE = Duration.ofMillis(50);

  private final BrokerApi broker;
  private final String consumerGroup;
  private final int batchSize;
  private final Duration maxDelay;
  private final Duration closeTimeout;
  private final BlockingQueue<String> queue;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile long closeDeadlineNanos;
  private volatile boolean closed;
  private Thread thread;
  // Read and written by the sending thread only.
  private boolean failing;

  AckSender(
      BrokerApi broker,
      String consumerGroup,
      int batchSize,
      Duration maxDelay,
      int capacity,
      Duration closeTimeout) {
    if (batchSize < 1 || batchSize > 1000) {
      throw new IllegalArgumentException("ack batch size must be 1 to 1000: " + batchSize);
    }
    this.broker = broker;
    this.consumerGroup = consumerGroup;
    this.batchSize = batchSize;
    this.maxDelay = maxDelay;
    this.closeTimeout = closeTimeout;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  @Override
  public synchronized void start() {
    if (thread == null) {
      thread = new Thread(this::run, "halfmsg-ack-" + consumerGroup);
      thread.setDaemon(true);
      thread.start();
    }
  }

  @Override
  public void enqueue(String messageId) {
    if (closed || !queue.offer(messageId)) {
      long n = dropped.incrementAndGet();
      if (n % 1000 != 1) {
        return;
      }
      log.warn(
          "Ack of {} for group {} dropped ({}; {} so far); the broker will redeliver it and the"
              + " dedupe table will absorb it",
          messageId,
          consumerGroup,
          closed ? "consumer closed" : "ack queue full",
          n);
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (closed) {
        return;
      }
      closeDeadlineNanos = System.nanoTime() + closeTimeout.toNanos();
      closed = true;
      t = thread;
    }
    closing.countDown();
    if (t != null) {
      try {
        t.join(closeTimeout.plusSeconds(1).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int left = queue.size();
    if (left > 0) {
      dropped.addAndGet(left);
      queue.clear();
      log.warn(
          "{} acks of group {} were not sent before close; the broker will redeliver those"
              + " messages and the dedupe table will absorb them",
          left,
          consumerGroup);
    }
  }

  @Override
  public long sent() {
    return sent.get();
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  @Override
  public long pending() {
    return queue.size();
  }

  private void run() {
    try {
      while (true) {
        List<String> batch = nextBatch();
        if (batch.isEmpty()) {
          if (closed) {
            return;
          }
          continue;
        }
        send(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for a first ack, then up to {@code maxDelay} for more, up to a full batch. */
  private List<String> nextBatch() throws InterruptedException {
    List<String> batch = new ArrayList<>(batchSize);
    String first = closed ? queue.poll() : queue.poll(100, TimeUnit.MILLISECONDS);
    if (first == null) {
      return batch;
    }
    batch.add(first);
    long deadline = System.nanoTime() + maxDelay.toNanos();
    while (batch.size() < batchSize && !closed) {
      queue.drainTo(batch, batchSize - batch.size());
      long left = deadline - System.nanoTime();
      if (batch.size() >= batchSize || left <= 0) {
        break;
      }
      // In short slices, so that close() does not wait for a long maxDelay.
      String next = queue.poll(Math.min(left, SLICE.toNanos()), TimeUnit.NANOSECONDS);
      if (next != null) {
        batch.add(next);
      }
    }
    queue.drainTo(batch, batchSize - batch.size());
    return batch;
  }

  private void send(List<String> batch) throws InterruptedException {
    List<AckRequest> acks =
        batch.stream().distinct().map(id -> new AckRequest(id, consumerGroup)).toList();
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      BrokerHttp.Answer answer = broker.ack(acks);
      if (answer.ok()) {
        sent.addAndGet(batch.size());
        if (failing) {
          failing = false;
          log.info("Acks of group {} reach the broker again", consumerGroup);
        }
        return;
      }
      if (!answer.retryable()) {
        dropped.addAndGet(batch.size());
        log.error(
            "The broker refused {} acks of group {}: {}; they will be redelivered",
            batch.size(),
            consumerGroup,
            answer.describe());
        return;
      }
      if (closed && System.nanoTime() - closeDeadlineNanos > 0) {
        dropped.addAndGet(batch.size());
        log.warn(
            "Gave up sending {} acks of group {} at close ({}); they will be redelivered",
            batch.size(),
            consumerGroup,
            answer.describe());
        return;
      }
      if (!failing) {
        // Once per outage, not per retry: the broker may be away for minutes.
        failing = true;
        log.warn(
            "Acks of group {} failed ({}); retrying with backoff until the broker takes them",
            consumerGroup,
            answer.describe());
      } else {
        log.debug("Acks of group {} failed ({}); retrying", consumerGroup, answer.describe());
      }
      pause(backoff);
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(MAX_BACKOFF) > 0) {
        backoff = MAX_BACKOFF;
      }
    }
  }

  /** Waits before a retry; {@link #close()} cuts a long wait short. */
  private void pause(Duration backoff) throws InterruptedException {
    if (closed) {
      TimeUnit.MILLISECONDS.sleep(FIRST_BACKOFF.toMillis());
    } else {
      closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
