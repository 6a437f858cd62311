package io.halfmsg.broker.cancel;

import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.operator.OperatorResolver;
import io.halfmsg.broker.web.Violations;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class CancelController {

  private final HeldMessages held;
  private final OperatorResolver operators;

  CancelController(HeldMessages held, OperatorResolver operators) {
    this.held = held;
    this.operators = operators;
  }

  /** Body of {@code POST /api/v1/messages/{messageId}/cancel}. */
  record CancelRequest(String reason) {}

  @PostMapping(
      path = "/api/v1/messages/{messageId}/cancel",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  MessageStateResponse cancel(
      @PathVariable String messageId, @RequestBody CancelRequest request, HttpServletRequest http) {
    if (request == null) {
      throw Violations.invalid("body", "must be a JSON object");
    }
    Violations v = new Violations();
    v.messageId(messageId, "messageId");
    Operator.checkReason(request.reason(), v);
    v.throwIfAny();
    return held.cancel(messageId, operators.of(http, request.reason()));
  }
}
