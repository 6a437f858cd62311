package io.halfmsg.broker.cancel;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.broker.delivery.CommitHandoff;
import io.halfmsg.broker.delivery.DeliveryService;
import io.halfmsg.broker.history.MessageHistory;
import io.halfmsg.broker.message.MessageService;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.broker.message.NextLook;
import io.halfmsg.broker.message.StoredMessage;
import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Cancels committed messages the broker holds for their delivery time ({@code deliverAt}), on an
 * operator's word: CANCELLED, never forwarded, its deliveries gone. Only before that time and
 * before a scanner claimed it, so that a cancel that succeeds is never followed by a send already
 * on its way; a message that may be on its way is a conflict, not a cancel that might not hold.
 */
@Service
public class HeldMessages {

  private final MessageStore store;
  private final MessageService messages;
  private final DeliveryService deliveries;
  private final CommitHandoff handoff;
  private final MessageHistory history;
  private final NextLook nextLook;
  private final TransactionTemplate transaction;
  private final Clock clock;

  HeldMessages(
      MessageStore store,
      MessageService messages,
      DeliveryService deliveries,
      CommitHandoff handoff,
      MessageHistory history,
      NextLook nextLook,
      TransactionTemplate transaction,
      Clock clock) {
    this.store = store;
    this.messages = messages;
    this.deliveries = deliveries;
    this.handoff = handoff;
    this.history = history;
    this.nextLook = nextLook;
    this.transaction = transaction;
    this.clock = clock;
  }

  /**
   * Cancels a held message; the same cancel again answers the same. 404 for an unknown message, 409
   * for one that is not (or no longer) held.
   */
  public MessageStateResponse cancel(String messageId, Operator operator) {
    Instant now = clock.instant();
    // The state change, the deliveries and the history line commit together, or none does.
    boolean cancelled =
        Boolean.TRUE.equals(
            transaction.execute(
                s -> {
                  if (!store.cancelHeld(
                      messageId, now, nextLook.after(MessageState.CANCELLED, now))) {
                    return false;
                  }
                  deliveries.dropAll(messageId);
                  handoff.withdrawn(List.of(messageId), now);
                  history.recordByOperator(
                      messageId, now, MessageHistory.CANCELLED, null, operator, "cancel");
                  return true;
                }));
    if (cancelled) {
      return new MessageStateResponse(messageId, MessageState.CANCELLED);
    }
    StoredMessage current = messages.get(messageId);
    if (current.state() == MessageState.CANCELLED) {
      return new MessageStateResponse(messageId, MessageState.CANCELLED);
    }
    throw new ApiException(
        ProblemType.NOT_HELD,
        "Message "
            + messageId
            + " is "
            + current.state()
            + (current.heldForDelivery() && current.state() == MessageState.COMMITTED
                ? " and due (deliverAt " + current.deliverAt() + "): it may be on its way"
                : ", not a committed message waiting for its deliverAt")
            + "; only those are cancelled, before their time.");
  }
}
