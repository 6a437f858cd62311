package io.halfmsg.producer.spring;

import io.halfmsg.api.TransactionState;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.barrier.BarrierTransactionChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages of transactions that have just committed, on their way to their commit calls: many
 * at a time, one thread reads their barrier rows in one query (the row is the truth, not the
 * transaction's status, see {@link HalfmsgTemplate}) and queues each decision with the producer,
 * which batches it with others. One query per batch instead of one per message keeps a busy
 * application's commits from queueing behind their own checks.
 *
 * <p>The queue is bounded; a message that finds it full is checked on its own in the producer's
 * background pool, as before. One lost at shutdown is decided by the broker's check-back.
 */
final class CommittedSends {

  private static final Logger log = LoggerFactory.getLogger(CommittedSends.class);
  private static final int CAPACITY = 10_000;
  private static final int MAX_BATCH = 500;

  private final HalfmsgProducer producer;
  private final BarrierTransactionChecker verifier;
  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Thread thread;
  private volatile boolean running = true;

  CommittedSends(HalfmsgProducer producer, BarrierTransactionChecker verifier) {
    this.producer = producer;
    this.verifier = verifier;
    this.thread = new Thread(this::run, "halfmsg-template-commits");
    thread.setDaemon(true);
    thread.start();
  }

  /** Decides what is queued, for up to 5 s, then stops. */
  void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
  }

  void committed(String messageId) {
    if (!running || !queue.offer(messageId)) {
      producer.endTransactionAsync(messageId, () -> verifier.check(messageId));
    }
  }

  private void run() {
    List<String> batch = new ArrayList<>(MAX_BATCH);
    while (running || !queue.isEmpty()) {
      try {
        String first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        decide(batch);
      } catch (InterruptedException e) {
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void decide(List<String> batch) {
    Map<String, TransactionState> states;
    try {
      states = verifier.checkAll(batch);
    } catch (RuntimeException e) {
      log.warn(
          "Reading the barrier rows of {} committed messages failed ({}); check-back decides them",
          batch.size(),
          e.toString());
      return;
    }
    states.forEach(producer::endTransactionAsync);
  }
}
