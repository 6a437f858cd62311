package io.halfmsg.broker.message;

import io.halfmsg.api.BatchItemResult;
import io.halfmsg.api.MessageState;
import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.api.WireRules;
import io.halfmsg.broker.web.ApiException;
import org.springframework.http.HttpStatus;

/**
 * What one prepare or decision came to, exactly as its single call answers: a status with the
 * message's state, or the problem. The single endpoints answer it (or throw its problem), the batch
 * endpoints put it into their results.
 *
 * @param messageId the message's id; null if the item had none that is valid
 * @param state the message's state; for a refused decision the state that conflicts, else null
 * @param problem null when the item succeeded
 */
record ItemOutcome(String messageId, HttpStatus status, MessageState state, ApiException problem) {

  static ItemOutcome ok(String messageId, HttpStatus status, MessageState state) {
    return new ItemOutcome(messageId, status, state, null);
  }

  static ItemOutcome refused(String messageId, ApiException problem, MessageState state) {
    return new ItemOutcome(
        WireRules.isMessageId(messageId) ? messageId : null,
        problem.problem().status(),
        state,
        problem);
  }

  /** The single call's answer: the message's state, or its problem thrown. */
  MessageStateResponse orThrow() {
    if (problem != null) {
      throw problem;
    }
    return new MessageStateResponse(messageId, state);
  }

  BatchItemResult toResult() {
    return problem == null
        ? BatchItemResult.ok(messageId, status.value(), state)
        : new BatchItemResult(
            messageId,
            status.value(),
            state,
            problem.problem().type().toString(),
            problem.getMessage());
  }
}
