package io.halfmsg.broker.parked;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.broker.history.MessageHistory;
import io.halfmsg.broker.message.MessageService;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends a parked message back to check-back (re-arm): PREPARED again, its check count reset, its
 * first check due now. For a producer that was down or answered UNKNOWN for too long and can answer
 * now; the operator decides nothing.
 */
@Service
public class ParkedMessages {

  private final MessageStore store;
  private final MessageService messages;
  private final MessageHistory history;
  private final TransactionTemplate transaction;
  private final Clock clock;

  ParkedMessages(
      MessageStore store,
      MessageService messages,
      MessageHistory history,
      TransactionTemplate transaction,
      Clock clock) {
    this.store = store;
    this.messages = messages;
    this.history = history;
    this.transaction = transaction;
    this.clock = clock;
  }

  /** Re-arms a PARKED message; 404 for an unknown one, 409 for one that is not PARKED. */
  public MessageStateResponse rearm(String messageId, Operator operator) {
    Instant now = clock.instant();
    // The state change and its history line commit together, or neither does.
    boolean rearmed =
        Boolean.TRUE.equals(
            transaction.execute(
                s -> {
                  if (!store.rearmParked(messageId, now)) {
                    return false;
                  }
                  history.recordByOperator(
                      messageId, now, MessageHistory.REARMED, null, operator, "re-arm check-back");
                  return true;
                }));
    if (rearmed) {
      return new MessageStateResponse(messageId, MessageState.PREPARED);
    }
    MessageState state = messages.get(messageId).state();
    throw new ApiException(
        ProblemType.NOT_PARKED, "Message " + messageId + " is " + state + ", not PARKED.");
  }
}
