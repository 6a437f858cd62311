package io.halfmsg.broker.pause;

import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Pauses and resumes the forwarding and redelivery of a topic, or the redelivery to a consumer
 * group, at runtime. Prepares and commits are still accepted; what is paused waits in the store:
 * the fast path leaves a paused topic's messages to the recovery scanner, whose claim, like the
 * redelivery scanner's, skips what {@code hm_pause} names. The fast path reads this instance's copy
 * of the table, at most {@code halfmsg.pause.refresh-interval} old, and reloaded at once after a
 * change made here.
 */
@Service
public class Pauses {

  private static final Logger log = LoggerFactory.getLogger(Pauses.class);

  private final PauseMapper mapper;
  private final Clock clock;
  private final long refreshNanos;
  private final AtomicLong nextRefresh = new AtomicLong(System.nanoTime());
  private volatile Set<String> pausedTopics = Set.of();
  private volatile boolean refreshFailing;

  Pauses(PauseMapper mapper, Clock clock, PauseProperties properties) {
    this.mapper = mapper;
    this.clock = clock;
    this.refreshNanos = properties.refreshInterval().toNanos();
  }

  /** Pauses; pausing again what is paused changes nothing (the first pause's who and why stay). */
  public Pause pause(PauseKind kind, String name, Operator operator) {
    if (mapper.insertIgnore(kind, name, clock.instant(), operator.name(), operator.reason()) == 1) {
      log.info("{} {} paused by {}: {}", kind, name, operator.name(), operator.reason());
    }
    refresh();
    return mapper.find(kind, name);
  }

  /** Resumes; 404 if it was not paused. */
  public void resume(PauseKind kind, String name, String operatorName) {
    if (mapper.delete(kind, name) != 1) {
      throw new ApiException(ProblemType.PAUSE_NOT_FOUND, kind + " " + name + " is not paused.");
    }
    log.info("{} {} resumed by {}", kind, name, operatorName);
    refresh();
  }

  public List<Pause> all() {
    return mapper.findAll();
  }

  /** Whether this instance's fast path must leave the topic's messages to the recovery scanner. */
  public boolean holdsForwarding(String topic) {
    refreshIfDue();
    return pausedTopics.contains(topic);
  }

  void refresh() {
    pausedTopics =
        mapper.findAll().stream()
            .filter(p -> p.kind() == PauseKind.TOPIC)
            .map(Pause::name)
            .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Reloads the copy when it is older than the refresh interval, on the caller's thread (the fast
   * path's, once an interval: one small query) — so an idle instance costs nothing.
   */
  private void refreshIfDue() {
    long due = nextRefresh.get();
    long now = System.nanoTime();
    if (now - due < 0 || !nextRefresh.compareAndSet(due, now + refreshNanos)) {
      return;
    }
    try {
      refresh();
      refreshFailing = false;
    } catch (RuntimeException e) {
      // The last copy stays in force; the scanners' claims read the table itself.
      if (!refreshFailing) {
        log.warn("Cannot reload the pauses; keeping the last ones known: {}", e.toString());
      }
      refreshFailing = true;
    }
  }
}
