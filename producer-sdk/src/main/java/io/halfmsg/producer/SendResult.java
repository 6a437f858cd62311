package io.halfmsg.producer;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.TransactionState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What {@link HalfmsgProducer#sendInTransaction} achieved.
 *
 * @param messageId the message's id: the key consumers dedupe and ack by
 * @param localState what the local transaction reported
 * @param state the last state the broker confirmed when {@code sendInTransaction} returned: {@link
 *     MessageState#COMMITTED} (or {@link MessageState#FORWARDED}) or {@link
 *     MessageState#ROLLED_BACK} when the decision reached it, and {@link MessageState#PREPARED}
 *     when the local transaction answered {@code UNKNOWN}, the decision is still on its way ({@link
 *     HalfmsgProducer.DecisionMode#ASYNC}, the default) or being retried (check-back settles it if
 *     that never succeeds)
 * @param confirmation completes with the state the broker confirmed for the decision, or {@link
 *     MessageState#PREPARED} if it never took one (then check-back decides); never exceptionally
 */
public record SendResult(
    String messageId,
    TransactionState localState,
    MessageState state,
    CompletionStage<MessageState> confirmation) {

  /** A result whose state is final when it is made. */
  public SendResult(String messageId, TransactionState localState, MessageState state) {
    this(messageId, localState, state, CompletableFuture.completedFuture(state));
  }

  /**
   * Whether the broker had confirmed, when {@code sendInTransaction} returned, that the message
   * will be delivered.
   */
  public boolean committed() {
    return state == MessageState.COMMITTED || state == MessageState.FORWARDED;
  }
}
