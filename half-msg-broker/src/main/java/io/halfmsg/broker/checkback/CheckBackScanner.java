package io.halfmsg.broker.checkback;

import io.halfmsg.api.TransactionState;
import io.halfmsg.broker.endpoint.EndpointRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Finds PREPARED messages whose check-back is due, on every broker instance at once: each claims a
 * batch (SKIP LOCKED, with a lease), calls the producers outside any transaction with bounded
 * concurrency, and applies the answers with version-checked updates. No leader, no lock row.
 */
@Component
class CheckBackScanner implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(CheckBackScanner.class);
  private static final Duration FORGET_ENDPOINTS_AFTER = Duration.ofDays(1);

  private final CheckBackRepository repository;
  private final CheckBackClient client;
  private final CheckBackOutcomes outcomes;
  private final EndpointRegistry endpoints;
  private final CheckBackProperties properties;
  private final Clock clock;
  private final Semaphore slots;
  private volatile ScheduledExecutorService scheduler;
  private volatile ExecutorService workers;

  CheckBackScanner(
      CheckBackRepository repository,
      CheckBackClient client,
      CheckBackOutcomes outcomes,
      EndpointRegistry endpoints,
      CheckBackProperties properties,
      Clock clock) {
    this.repository = repository;
    this.client = client;
    this.outcomes = outcomes;
    this.endpoints = endpoints;
    this.properties = properties;
    this.clock = clock;
    // Claim no more than can be checked well within the lease: twice the calls in flight.
    this.slots = new Semaphore(2 * properties.concurrency());
  }

  @Override
  public void start() {
    if (!properties.enabled()) {
      log.info("Check-back scanner disabled on this instance (halfmsg.check-back.enabled=false)");
      return;
    }
    workers = Executors.newFixedThreadPool(properties.concurrency(), named("halfmsg-checkback"));
    scheduler = Executors.newSingleThreadScheduledExecutor(named("halfmsg-checkback-scan"));
    long poll = properties.pollInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::scan, poll, poll, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::forgetLongGoneEndpoints, 1, 10, TimeUnit.MINUTES);
  }

  /** Claims and dispatches due messages until none are left or all slots are busy. */
  void scan() {
    try {
      int claimed;
      do {
        claimed = scanOnce();
      } while (claimed > 0 && slots.availablePermits() > 0 && isRunning());
    } catch (RuntimeException e) {
      log.warn("Check-back scan failed; retrying at the next poll: {}", e.toString());
    }
  }

  private int scanOnce() {
    int room = Math.min(properties.batchSize(), slots.availablePermits());
    if (room == 0) {
      return 0;
    }
    Instant now = clock.instant();
    List<DueMessage> due = repository.claimDue(now, room, now.plus(properties.lease()));
    if (due.isEmpty()) {
      return 0;
    }
    slots.acquireUninterruptibly(due.size());
    Map<String, List<String>> live =
        endpoints.liveEndpoints(due.stream().map(DueMessage::producerGroup).distinct().toList());
    for (DueMessage m : due) {
      List<String> urls = live.getOrDefault(m.producerGroup(), List.of());
      try {
        workers.execute(() -> checkAndApply(m, urls));
      } catch (RuntimeException rejected) {
        slots.release();
        // Shutting down: the lease brings the message back to another instance.
      }
    }
    return due.size();
  }

  private void checkAndApply(DueMessage m, List<String> urls) {
    try {
      TransactionState answer = client.check(m, urls);
      if (isRunning()) {
        outcomes.apply(m, answer);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("Check-back of {} failed; it comes due again: {}", m.messageId(), e.toString());
    } finally {
      slots.release();
    }
  }

  private void forgetLongGoneEndpoints() {
    try {
      endpoints.forgetLongGone(FORGET_ENDPOINTS_AFTER, 100);
    } catch (RuntimeException e) {
      log.debug("Could not clean up endpoints: {}", e.toString());
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
      // Interrupts calls in flight; their messages come due again when the lease runs out.
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

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
