package io.halfmsg.broker.parked;

import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.broker.operator.OperatorResolver;
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

  @PostMapping(
      path = "/api/v1/messages/{messageId}/rearm",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  MessageStateResponse rearm(
      @PathVariable String messageId,
      @RequestBody OperatorResolver.ReasonRequest request,
      HttpServletRequest http) {
    return parked.rearm(messageId, operators.ofMessageAction(http, messageId, request));
  }
}
