package io.halfmsg.broker.checkback;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.delivery.CommitHandoff;
import io.halfmsg.broker.message.NextLook;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claims due messages for check-back and records what the check-backs found. Every write after the
 * claim is conditional on the claimed version: false means someone else (the producer, an operator,
 * or another instance after the lease ran out) changed the message first.
 */
@Repository
class CheckBackRepository {

  private final CheckBackMapper mapper;
  private final TransactionTemplate transaction;
  private final CommitHandoff handoff;
  private final NextLook nextLook;

  CheckBackRepository(
      CheckBackMapper mapper,
      TransactionTemplate transaction,
      CommitHandoff handoff,
      NextLook nextLook) {
    this.mapper = mapper;
    this.transaction = transaction;
    this.handoff = handoff;
    this.nextLook = nextLook;
  }

  /** The claim's lock, run by {@link CheckBackScanner} in its claim transaction. */
  List<DueMessage> lockDue(Instant now, int limit) {
    return mapper.lockDue(now, limit);
  }

  /** The claim's lease: the next check pushed to {@code leaseUntil}, the version bumped. */
  int extendLease(List<Long> ids, Instant leaseUntil) {
    return mapper.extendLease(ids, leaseUntil);
  }

  /**
   * Decides the message as the check-back answered; a commit hands it to delivery in the same
   * transaction.
   */
  boolean resolve(DueMessage m, MessageState state, Instant now) {
    return Boolean.TRUE.equals(
        transaction.execute(
            s -> {
              if (mapper.resolve(m.id(), m.version(), state, now, nextLook.after(state, now))
                  != 1) {
                return false;
              }
              if (state == MessageState.COMMITTED) {
                handoff.committed(m.messageId(), now);
              }
              return true;
            }));
  }

  boolean scheduleNextCheck(DueMessage m, Instant next) {
    return mapper.scheduleNextCheck(m.id(), m.version(), next) == 1;
  }

  boolean park(DueMessage m) {
    return mapper.park(m.id(), m.version()) == 1;
  }
}
