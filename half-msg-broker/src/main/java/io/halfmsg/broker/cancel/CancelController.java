package io.halfmsg.broker.cancel;

import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.broker.operator.OperatorResolver;
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

  @PostMapping(
      path = "/api/v1/messages/{messageId}/cancel",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  MessageStateResponse cancel(
      @PathVariable String messageId,
      @RequestBody OperatorResolver.ReasonRequest request,
      HttpServletRequest http) {
    return held.cancel(messageId, operators.ofMessageAction(http, messageId, request));
  }
}
