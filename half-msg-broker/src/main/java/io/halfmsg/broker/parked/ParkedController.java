package io.halfmsg.broker.parked;

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
class ParkedController {

  private final ParkedMessages parked;
  private final OperatorResolver operators;

  ParkedController(ParkedMessages parked, OperatorResolver operators) {
    this.parked = parked;
    this.operators = operators;
  }

  /** Body of {@code POST /api/v1/messages/{messageId}/rearm}. */
  record RearmRequest(String reason) {}

  @PostMapping(
      path = "/api/v1/messages/{messageId}/rearm",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  MessageStateResponse rearm(
      @PathVariable String messageId, @RequestBody RearmRequest request, HttpServletRequest http) {
    if (request == null) {
      throw Violations.invalid("body", "must be a JSON object");
    }
    Violations v = new Violations();
    v.messageId(messageId, "messageId");
    Operator.checkReason(request.reason(), v);
    v.throwIfAny();
    return parked.rearm(messageId, operators.of(http, request.reason()));
  }
}
