package io.halfmsg.broker.checkback;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.TransactionState;
import io.halfmsg.broker.delivery.CommitHandoff;
import io.halfmsg.broker.history.MessageHistory;
import io.halfmsg.broker.message.DueMessage;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.broker.message.NextLook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies a check-back's answer: COMMIT and ROLLBACK decide the message; UNKNOWN (including no
 * answer at all) schedules the next check by the backoff, and after {@code max-checks} parks the
 * message for an operator. Nothing is ever dropped.
 */
@Component
class CheckBackOutcomes {

  private static final Logger log = LoggerFactory.getLogger(CheckBackOutcomes.class);

  private final MessageStore messages;
  private final CommitHandoff handoff;
  private final NextLook nextLook;
  private final MessageHistory history;
  private final TransactionTemplate transaction;
  private final CheckBackProperties properties;
  private final Clock clock;
  private final Counter parked;
  private final Counter superseded;

  CheckBackOutcomes(
      MessageStore messages,
      CommitHandoff handoff,
      NextLook nextLook,
      MessageHistory history,
      TransactionTemplate transaction,
      CheckBackProperties properties,
      Clock clock,
      MeterRegistry meters) {
    this.messages = messages;
    this.handoff = handoff;
    this.nextLook = nextLook;
    this.history = history;
    this.transaction = transaction;
    this.properties = properties;
    this.clock = clock;
    this.parked =
        Counter.builder("halfmsg.messages.parked")
            .description("Messages parked after max-checks undecided check-backs")
            .register(meters);
    this.superseded =
        Counter.builder("halfmsg.checkback.superseded")
            .description("Check-back answers dropped because the message changed meanwhile")
            .register(meters);
  }

  void apply(DueMessage m, CheckBackAnswer checkBack) {
    TransactionState answer = checkBack.state();
    Instant now = clock.instant();
    int checks = m.checkCount() + 1;
    boolean parks = answer == TransactionState.UNKNOWN && checks >= properties.maxChecks();
    // The state change and its history lines commit together, or neither does.
    boolean applied =
        Boolean.TRUE.equals(
            transaction.execute(
                status -> {
                  boolean done =
                      switch (answer) {
                        case COMMIT -> decide(m, MessageState.COMMITTED, now);
                        case ROLLBACK -> decide(m, MessageState.ROLLED_BACK, now);
                        case UNKNOWN ->
                            parks
                                ? messages.park(m.id(), m.version())
                                : messages.scheduleNextCheck(
                                    m.id(), m.version(), now.plus(properties.delayAfter(checks)));
                      };
                  if (done) {
                    recordHistory(m, now, checks, answer, checkBack, parks);
                  }
                  return done;
                }));
    if (!applied) {
      // The producer or an operator decided first, or our lease ran out and another instance
      // took over: their outcome stands.
      superseded.increment();
      log.debug("Check-back answer {} for {} superseded", answer, m.messageId());
      return;
    }
    log.debug("Check-back of {} answered {} (check {})", m.messageId(), answer, checks);
    if (parks) {
      parked.increment();
      log.warn(
          "Message {} of producer group {} PARKED after {} undecided check-backs; resolve it with"
              + " POST /api/v1/messages/{}/resolve",
          m.messageId(),
          m.producerGroup(),
          checks,
          m.messageId());
    }
  }

  /** Decides the message as the check-back answered; a commit hands it to delivery. */
  private boolean decide(DueMessage m, MessageState state, Instant now) {
    Instant next =
        state == MessageState.COMMITTED
            ? nextLook.afterCommit(m.deliverAt(), now)
            : nextLook.after(state, now);
    if (!messages.resolveByCheckBack(m.id(), m.version(), state, now, next)) {
      return false;
    }
    if (state == MessageState.COMMITTED) {
      handoff.committed(m.messageId(), now);
    } else {
      handoff.withdrawn(List.of(m.messageId()), now);
    }
    return true;
  }

  private void recordHistory(
      DueMessage m,
      Instant now,
      int checks,
      TransactionState answer,
      CheckBackAnswer checkBack,
      boolean parks) {
    history.record(
        m.messageId(),
        now,
        MessageHistory.CHECK_BACK,
        null,
        "check " + checks + ": " + answer + " (" + checkBack.detail() + ")");
    if (parks) {
      history.record(
          m.messageId(),
          now,
          MessageHistory.PARKED,
          null,
          "after "
              + checks
              + " undecided check-backs; resolve with POST /api/v1/messages/"
              + m.messageId()
              + "/resolve");
    }
  }
}
