package io.halfmsg.broker.deadgroup;

import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.operator.OperatorResolver;
import io.halfmsg.broker.web.Violations;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** DEAD deliveries by failure cause, and their bulk replay after a preview. */
@RestController
@RequestMapping("/api/v1/deliveries/dead-groups")
class DeadGroupController {

  private final DeadGroups groups;
  private final OperatorResolver operators;

  DeadGroupController(DeadGroups groups, OperatorResolver operators) {
    this.groups = groups;
    this.operators = operators;
  }

  @GetMapping
  List<DeadGroup> all() {
    return groups.groups();
  }

  @GetMapping("/{consumerGroup}/{fingerprint}")
  DeadGroups.Preview preview(@PathVariable String consumerGroup, @PathVariable String fingerprint) {
    DeadGroups.checked(consumerGroup, fingerprint).throwIfAny();
    return groups.preview(consumerGroup, fingerprint);
  }

  /** Body of a bulk replay: the preview's {@code confirmation} and the operator's reason. */
  record ReplayRequest(String confirmation, String reason) {}

  record Replayed(int replayed) {}

  @PostMapping(
      path = "/{consumerGroup}/{fingerprint}/replay",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  Replayed replay(
      @PathVariable String consumerGroup,
      @PathVariable String fingerprint,
      @RequestBody ReplayRequest request,
      HttpServletRequest http) {
    if (request == null) {
      throw Violations.invalid("body", "must be a JSON object");
    }
    Violations v = DeadGroups.checked(consumerGroup, fingerprint);
    v.required(request.confirmation(), "confirmation");
    Operator.checkReason(request.reason(), v);
    v.throwIfAny();
    return new Replayed(
        groups.replay(
            consumerGroup,
            fingerprint,
            request.confirmation(),
            operators.of(http, request.reason())));
  }
}
