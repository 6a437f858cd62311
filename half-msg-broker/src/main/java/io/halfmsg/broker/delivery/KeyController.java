package io.halfmsg.broker.delivery;

import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.broker.operator.OperatorResolver;
import io.halfmsg.broker.web.Violations;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Operators' view of ordered messages: keys held up by a head that waits for them, and release. */
@RestController
class KeyController {

  private static final int MAX_LIMIT = 1_000;

  private final KeyQueue keys;
  private final KeyHandover handover;
  private final OperatorResolver operators;

  KeyController(KeyQueue keys, KeyHandover handover, OperatorResolver operators) {
    this.keys = keys;
    this.handover = handover;
    this.operators = operators;
  }

  /**
   * Lets the later messages of this message's sharding key go ahead without it: for a head that is
   * PARKED or DEAD and should not hold the others any longer. The message itself is left as it is.
   */
  @PostMapping(
      path = "/api/v1/messages/{messageId}/release",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  MessageStateResponse release(
      @PathVariable String messageId,
      @RequestBody OperatorResolver.ReasonRequest request,
      HttpServletRequest http) {
    return handover.releaseByOperator(
        messageId, operators.ofMessageAction(http, messageId, request));
  }

  /** Keys whose head waits for an operator while later messages wait behind it. */
  @GetMapping("/api/v1/blocked-keys")
  List<KeyQueue.BlockedKey> blocked(@RequestParam(defaultValue = "100") int limit) {
    Violations v = new Violations();
    v.check(limit >= 1 && limit <= MAX_LIMIT, "limit", "must be between 1 and 1000");
    v.throwIfAny();
    return keys.blockedKeys(limit);
  }
}
