package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.broker.checkback.CheckBackProperties;
import io.halfmsg.broker.delivery.CommitHandoff;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Prepare, commit and rollback: the producer's side of a half message's life. On the hot path each
 * call is one row written through {@link GroupCommit}; the extra reads happen only on retries and
 * conflicts.
 */
@Service
public class MessageService {

  private final MessageRepository messages;
  private final GroupCommit groupCommit;
  private final CommitHandoff handoff;
  private final NextLook nextLook;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Duration defaultFirstCheck;

  MessageService(
      MessageRepository messages,
      GroupCommit groupCommit,
      CommitHandoff handoff,
      NextLook nextLook,
      TransactionTemplate transaction,
      Clock clock,
      CheckBackProperties checkBack) {
    this.messages = messages;
    this.groupCommit = groupCommit;
    this.handoff = handoff;
    this.nextLook = nextLook;
    this.transaction = transaction;
    this.clock = clock;
    this.defaultFirstCheck = checkBack.firstCheckAfter();
  }

  /** The outcome of a prepare: {@code created} is false for a repeated identical prepare. */
  public record Prepared(MessageStateResponse message, boolean created) {}

  public Prepared prepare(NewMessage message) {
    Instant now = clock.instant();
    Duration checkAfter = message.checkAfter() != null ? message.checkAfter() : defaultFirstCheck;
    if (groupCommit.insertPrepared(message, now, now.plus(checkAfter))) {
      return new Prepared(
          new MessageStateResponse(message.messageId(), MessageState.PREPARED), true);
    }
    StoredMessage existing = messages.find(message.messageId()).orElse(null);
    if (existing == null) {
      // Deleted by retention between our insert and this read: the id is free again.
      return prepare(message);
    }
    if (!message.sameContentAs(existing)) {
      throw new ApiException(
          ProblemType.MESSAGE_CONFLICT,
          "Message " + message.messageId() + " exists with different content.");
    }
    return new Prepared(new MessageStateResponse(existing.messageId(), existing.state()), false);
  }

  public MessageStateResponse commit(String messageId) {
    return resolve(messageId, MessageState.COMMITTED);
  }

  public MessageStateResponse rollback(String messageId) {
    return resolve(messageId, MessageState.ROLLED_BACK);
  }

  private MessageStateResponse resolve(String messageId, MessageState target) {
    Instant now = clock.instant();
    if (groupCommit.resolveByProducer(messageId, target, now)) {
      return new MessageStateResponse(messageId, target);
    }
    MessageState current =
        messages
            .stateOf(messageId)
            .orElseThrow(
                () ->
                    new ApiException(
                        ProblemType.MESSAGE_NOT_FOUND, "No message with id " + messageId + "."));
    if (current == target || isCommitted(current) && target == MessageState.COMMITTED) {
      return new MessageStateResponse(messageId, current);
    }
    throw new ApiException(
        ProblemType.STATE_CONFLICT,
        "Message " + messageId + " is already " + current + "; it cannot become " + target + ".");
  }

  /**
   * An operator's decision on a parked message. Repeating the same decision is fine; any other
   * state is a conflict, because only parked messages wait for an operator.
   */
  public MessageStateResponse resolveParked(String messageId, MessageState target) {
    Instant now = clock.instant();
    boolean resolved =
        Boolean.TRUE.equals(
            transaction.execute(
                s -> {
                  if (!messages.resolveParkedByOperator(
                      messageId, target, now, nextLook.after(target, now))) {
                    return false;
                  }
                  if (target == MessageState.COMMITTED) {
                    handoff.committed(messageId, now);
                  }
                  return true;
                }));
    if (resolved) {
      return new MessageStateResponse(messageId, target);
    }
    StoredMessage current = get(messageId);
    boolean same =
        current.state() == target
            || isCommitted(current.state()) && target == MessageState.COMMITTED;
    if (same && current.resolvedBy() == ResolvedBy.OPERATOR) {
      return new MessageStateResponse(messageId, target);
    }
    throw new ApiException(
        ProblemType.NOT_PARKED,
        "Message " + messageId + " is " + current.state() + ", not PARKED.");
  }

  private static boolean isCommitted(MessageState state) {
    return state == MessageState.COMMITTED || state == MessageState.FORWARDED;
  }

  public StoredMessage get(String messageId) {
    return messages
        .find(messageId)
        .orElseThrow(
            () ->
                new ApiException(
                    ProblemType.MESSAGE_NOT_FOUND, "No message with id " + messageId + "."));
  }
}
