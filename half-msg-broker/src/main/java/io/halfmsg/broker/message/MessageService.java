package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.broker.checkback.CheckBackProperties;
import io.halfmsg.broker.delivery.CommitHandoff;
import io.halfmsg.broker.delivery.DeliveryService;
import io.halfmsg.broker.delivery.KeyQueue;
import io.halfmsg.broker.history.MessageHistory;
import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Prepare, commit and rollback, one by one or a request's batch at once: the producer's side of a
 * half message's life. On the hot path each request is written through {@link GroupCommit}, whose
 * transaction also reads what retries and conflicts need.
 */
@Service
public class MessageService {

  private final MessageStore messages;
  private final GroupCommit groupCommit;
  private final CommitHandoff handoff;
  private final NextLook nextLook;
  private final MessageHistory history;
  private final DeliveryService deliveries;
  private final KeyQueue keys;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Duration defaultFirstCheck;

  MessageService(
      MessageStore messages,
      GroupCommit groupCommit,
      CommitHandoff handoff,
      NextLook nextLook,
      MessageHistory history,
      DeliveryService deliveries,
      KeyQueue keys,
      TransactionTemplate transaction,
      Clock clock,
      CheckBackProperties checkBack) {
    this.messages = messages;
    this.groupCommit = groupCommit;
    this.handoff = handoff;
    this.nextLook = nextLook;
    this.history = history;
    this.deliveries = deliveries;
    this.keys = keys;
    this.transaction = transaction;
    this.clock = clock;
    this.defaultFirstCheck = checkBack.firstCheckAfter();
  }

  /** The outcome of a prepare: {@code created} is false for a repeated identical prepare. */
  public record Prepared(MessageStateResponse message, boolean created) {}

  public Prepared prepare(NewMessage message) {
    ItemOutcome outcome = prepareAll(List.of(message)).get(0);
    return new Prepared(outcome.orThrow(), outcome.status() == HttpStatus.CREATED);
  }

  /**
   * Prepares of one request, written together; one outcome per message, in order, each what its
   * single call would answer (201, 200 for the same content again, 409 for other content). Of two
   * with one id the first is written and the second answered as if sent after it.
   */
  List<ItemOutcome> prepareAll(List<NewMessage> batch) {
    Instant now = clock.instant();
    List<GroupCommit.PrepareOutcome> found =
        groupCommit.prepareAll(
            batch, now, m -> now.plus(m.checkAfter() != null ? m.checkAfter() : defaultFirstCheck));
    List<ItemOutcome> outcomes = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      String id = batch.get(i).messageId();
      GroupCommit.PrepareOutcome f = found.get(i);
      if (f.created()) {
        outcomes.add(ItemOutcome.ok(id, HttpStatus.CREATED, MessageState.PREPARED));
      } else if (f.sameContent()) {
        outcomes.add(ItemOutcome.ok(id, HttpStatus.OK, f.state()));
      } else {
        outcomes.add(
            ItemOutcome.refused(
                id,
                new ApiException(
                    ProblemType.MESSAGE_CONFLICT,
                    "Message " + id + " exists with different content."),
                null));
      }
    }
    return outcomes;
  }

  public MessageStateResponse commit(String messageId) {
    return decideAll(List.of(messageId), List.of(MessageState.COMMITTED)).get(0).orThrow();
  }

  public MessageStateResponse rollback(String messageId) {
    return decideAll(List.of(messageId), List.of(MessageState.ROLLED_BACK)).get(0).orThrow();
  }

  /**
   * Producer decisions of one request, written together; one outcome per decision, in order, each
   * what its single call would answer: 200 (idempotent), 409 for the opposite decision, 404 for an
   * unknown id. Of two on one message the first wins, as it would one after the other.
   */
  List<ItemOutcome> decideAll(List<String> messageIds, List<MessageState> targets) {
    List<GroupCommit.ResolveOutcome> found =
        groupCommit.resolveAll(messageIds, targets, clock.instant());
    List<ItemOutcome> outcomes = new ArrayList<>(messageIds.size());
    for (int i = 0; i < messageIds.size(); i++) {
      outcomes.add(decided(messageIds.get(i), targets.get(i), found.get(i)));
    }
    return outcomes;
  }

  private static ItemOutcome decided(
      String messageId, MessageState target, GroupCommit.ResolveOutcome found) {
    MessageState current = found.state();
    if (found.changed()
        || current == target
        || isCommitted(current) && target == MessageState.COMMITTED) {
      return ItemOutcome.ok(messageId, HttpStatus.OK, current);
    }
    if (current == null) {
      return ItemOutcome.refused(
          messageId,
          new ApiException(ProblemType.MESSAGE_NOT_FOUND, "No message with id " + messageId + "."),
          null);
    }
    return ItemOutcome.refused(
        messageId,
        new ApiException(
            ProblemType.STATE_CONFLICT,
            "Message "
                + messageId
                + " is already "
                + current
                + "; it cannot become "
                + target
                + "."),
        current);
  }

  /**
   * An operator's decision on a parked message, kept in its history with who and why. Repeating the
   * same decision is fine (and recorded once); any other state is a conflict, because only parked
   * messages wait for an operator.
   */
  public MessageStateResponse resolveParked(
      String messageId, MessageState target, Operator operator) {
    Instant now = clock.instant();
    // Read outside the update's transaction: a message's delivery time never changes.
    Instant deliverAt = messages.find(messageId).map(StoredMessage::deliverAt).orElse(null);
    Instant next =
        target == MessageState.COMMITTED
            ? nextLook.afterCommit(deliverAt, now)
            : nextLook.after(target, now);
    boolean resolved =
        Boolean.TRUE.equals(
            transaction.execute(
                s -> {
                  if (!messages.resolveParkedByOperator(messageId, target, now, next)) {
                    return false;
                  }
                  if (target == MessageState.COMMITTED) {
                    handoff.committed(messageId, now);
                  } else {
                    handoff.withdrawn(List.of(messageId), now);
                  }
                  history.recordByOperator(
                      messageId,
                      now,
                      MessageHistory.RESOLVED,
                      null,
                      operator,
                      target == MessageState.COMMITTED ? "COMMIT" : "ROLLBACK");
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

  /**
   * Whether the producer committed it: a repeated commit answers these states without an error (an
   * operator's cancel came after the producer's commit, which stands).
   */
  private static boolean isCommitted(MessageState state) {
    return state == MessageState.COMMITTED
        || state == MessageState.FORWARDED
        || state == MessageState.CANCELLED;
  }

  /** A message with its deliveries and history; 404 for an unknown id. */
  public MessageView view(String messageId) {
    return MessageView.of(
        get(messageId),
        keys.placeOf(messageId).orElse(null),
        deliveries.deliveriesOf(messageId),
        history.storedEventsOf(messageId));
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
