package io.halfmsg.broker.delivery;

import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.broker.batch.Batcher;
import io.halfmsg.broker.history.MessageHistory;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.broker.message.StoredMessage;
import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.periodic.PeriodicJob;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands a sharding key on to its next message once the head is done with: rolled back (in the
 * decision's transaction), acked by every group (looked at after the acks are written), forwarded
 * to a topic nobody subscribed to, or released by an operator. The next head, if committed, goes to
 * the fast path at once and to the recovery scanner {@code forward-retry-after} later.
 *
 * <p>Acks of two groups written at the same time on two instances may each see the other's delivery
 * still pending; each looks again after its own write, so the later one sees both. What a crash
 * loses between the write and that look, the sweep finds: every few seconds it looks at the heads
 * of a slice of the keys and releases those that are done, and brings forward committed heads still
 * held.
 */
@Component
public class KeyHandover implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(KeyHandover.class);
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(5);
  private static final int SWEEP_KEYS = 1_000;

  private final KeyQueue keys;
  private final MessageStore messages;
  private final MessageHistory history;
  private final FastPathForwarder forwarder;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Duration forwardRetryAfter;
  private final Batcher<String> settle;
  private final PeriodicJob sweep;
  private KeyQueue.Holder sweptUpTo;

  KeyHandover(
      KeyQueue keys,
      MessageStore messages,
      MessageHistory history,
      FastPathForwarder forwarder,
      TransactionTemplate transaction,
      Clock clock,
      DeliveryProperties properties) {
    this.keys = keys;
    this.messages = messages;
    this.history = history;
    this.forwarder = forwarder;
    this.transaction = transaction;
    this.clock = clock;
    this.forwardRetryAfter = properties.forwardRetryAfter();
    // A look refused by a full queue is left to the sweep.
    this.settle = new Batcher<>("halfmsg-key-settle", 50_000, 500, 1, this::settleNow);
    this.sweep =
        new PeriodicJob(
            "halfmsg-key-sweep",
            SWEEP_INTERVAL,
            SWEEP_INTERVAL,
            this::sweepOnce,
            e -> log.warn("Sharding key sweep failed; retrying at the next run", e));
  }

  /** A message holding its key was forwarded, or these were acked: release those now done. */
  void settleSoon(Collection<String> messageIds) {
    settle.offerAll(List.copyOf(messageIds));
  }

  @EventListener
  void on(KeyHolderForwarded forwarded) {
    settleSoon(List.of(forwarded.messageId()));
  }

  /**
   * In the transaction that rolled these messages back (or that an operator released them in): they
   * no longer hold their keys; the next heads go to the fast path after the commit.
   */
  void releaseInTransaction(Collection<String> messageIds, Instant now) {
    List<String> next = keys.release(messageIds, now, now.plus(forwardRetryAfter));
    if (!next.isEmpty()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              next.forEach(forwarder::forwardSoon);
            }
          });
    }
  }

  /**
   * An operator lets the later messages of this message's key go ahead of it, recorded in its
   * history; 404 for an unknown message, 409 for one that holds no key.
   */
  public MessageStateResponse releaseByOperator(String messageId, Operator operator) {
    StoredMessage m =
        messages
            .find(messageId)
            .orElseThrow(
                () ->
                    new ApiException(
                        ProblemType.MESSAGE_NOT_FOUND, "No message with id " + messageId + "."));
    Instant now = clock.instant();
    // The release and its history line commit together, or neither does.
    boolean released =
        Boolean.TRUE.equals(
            transaction.execute(
                s -> {
                  if (keys.holdersAmong(List.of(messageId)).isEmpty()) {
                    return false;
                  }
                  releaseInTransaction(List.of(messageId), now);
                  history.recordByOperator(
                      messageId,
                      now,
                      MessageHistory.KEY_RELEASED,
                      null,
                      operator,
                      "release sharding key " + m.shardingKey());
                  return true;
                }));
    if (!released) {
      throw new ApiException(
          ProblemType.NOT_HOLDING_KEY,
          "Message "
              + messageId
              + (m.shardingKey() == null
                  ? " has no sharding key."
                  : " no longer holds its sharding key back."));
    }
    return new MessageStateResponse(messageId, m.state());
  }

  private void settleNow(List<String> messageIds) {
    List<String> done = keys.settledAmong(messageIds);
    if (!done.isEmpty()) {
      releaseNow(done);
    }
  }

  private void releaseNow(List<String> messageIds) {
    Instant now = clock.instant();
    List<String> next =
        transaction.execute(s -> keys.release(messageIds, now, now.plus(forwardRetryAfter)));
    next.forEach(forwarder::forwardSoon);
  }

  /** One slice of the keys, continuing where the last run stopped. */
  void sweepOnce() {
    KeyQueue.Holder from = sweptUpTo;
    List<KeyQueue.Holder> heads =
        keys.headsAfter(
            from == null ? null : from.topic(),
            from == null ? null : from.shardingKey(),
            SWEEP_KEYS);
    sweptUpTo = heads.size() < SWEEP_KEYS ? null : heads.get(heads.size() - 1);
    if (heads.isEmpty()) {
      return;
    }
    List<String> ids = heads.stream().map(KeyQueue.Holder::messageId).toList();
    List<String> gone = new ArrayList<>(keys.settledAmong(ids));
    gone.addAll(keys.orphansAmong(ids));
    if (!gone.isEmpty()) {
      releaseNow(gone);
    }
    Instant now = clock.instant();
    // Heads still held (a release whose last step was lost): due now for the recovery scanner,
    // which checks again that nothing holds them back.
    List<String> armed = keys.arm(ids.stream().filter(id -> !gone.contains(id)).toList(), now, now);
    if (!armed.isEmpty()) {
      log.info("Brought {} held head(s) of sharding keys forward", armed.size());
    }
  }

  @Override
  public void start() {
    sweep.start();
  }

  @Override
  public void stop() {
    sweep.stop();
    settle.close();
  }

  @Override
  public boolean isRunning() {
    return sweep.isRunning();
  }
}
