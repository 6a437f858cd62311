package io.halfmsg.producer;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.TransactionState;

/**
 * What {@link HalfmsgProducer#sendInTransaction} achieved.
 *
 * @param messageId the message's id: the key consumers dedupe and ack by
 * @param localState what the local transaction reported
 * @param state the last state the broker confirmed: {@link MessageState#COMMITTED} (or {@link
 *     MessageState#FORWARDED}) or {@link MessageState#ROLLED_BACK} when the decision reached it,
 *     and {@link MessageState#PREPARED} when the local transaction answered {@code UNKNOWN} or the
 *     decision is still being retried in the background (check-back settles it if that never
 *     succeeds)
 */
public record SendResult(String messageId, TransactionState localState, MessageState state) {

  /** Whether the broker has confirmed that the message will be delivered. */
  public boolean committed() {
    return state == MessageState.COMMITTED || state == MessageState.FORWARDED;
  }
}
