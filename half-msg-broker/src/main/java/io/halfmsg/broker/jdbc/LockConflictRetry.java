package io.halfmsg.broker.jdbc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Component;

/**
 * Runs a whole transaction again when the database chose it as a deadlock victim or it waited too
 * long for a row lock. Batches lock their rows in one order (sorted ids), but the order in which
 * InnoDB takes the locks also depends on the plan it picks (index range or scan), so two batches
 * naming the same rows can still deadlock; the victim's transaction was rolled back whole and is
 * safe to run again. Bounded, with jittered backoff so that the two do not collide again at once;
 * when the tries are spent the last failure is thrown (the API answers 503 with Retry-After).
 */
@Component
public class LockConflictRetry {

  private static final Logger log = LoggerFactory.getLogger(LockConflictRetry.class);

  /** Tries in all; a deadlock between two batches almost always clears on the second. */
  static final int MAX_TRIES = 5;

  /** The first backoff's upper bound; it doubles per try (full jitter: 0 to the bound). */
  private static final long FIRST_BACKOFF_MICROS = 5_000;

  private final Counter retries;

  LockConflictRetry(MeterRegistry meters) {
    this.retries =
        Counter.builder("halfmsg.store.lock-conflict.retries")
            .description("Transactions run again after a deadlock or lock wait timeout")
            .register(meters);
  }

  /** Runs {@code transaction} (which must open and end its own transaction) until it succeeds. */
  public <T> T run(Supplier<T> transaction) {
    for (int attempt = 1; ; attempt++) {
      try {
        return transaction.get();
      } catch (PessimisticLockingFailureException e) {
        if (attempt >= MAX_TRIES) {
          log.warn("Lock conflict still after {} tries: {}", attempt, e.getMessage());
          throw e;
        }
        retries.increment();
        log.debug("Lock conflict on try {}, running the transaction again: {}", attempt, e);
        backOff(attempt);
      }
    }
  }

  public void run(Runnable transaction) {
    run(
        () -> {
          transaction.run();
          return null;
        });
  }

  private static void backOff(int attempt) {
    long bound = FIRST_BACKOFF_MICROS << (attempt - 1);
    try {
      TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextLong(bound + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while backing off from a lock conflict", e);
    }
  }
}
