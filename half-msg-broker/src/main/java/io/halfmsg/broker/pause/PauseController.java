package io.halfmsg.broker.pause;

import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.operator.OperatorResolver;
import io.halfmsg.broker.web.Violations;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/pauses/topics/{topic}} and {@code /api/v1/pauses/consumer-groups/{group}}. */
@RestController
@RequestMapping("/api/v1/pauses")
class PauseController {

  private final Pauses pauses;
  private final OperatorResolver operators;

  PauseController(Pauses pauses, OperatorResolver operators) {
    this.pauses = pauses;
    this.operators = operators;
  }

  @GetMapping
  List<Pause> all() {
    return pauses.all();
  }

  record PauseRequest(String reason) {}

  @PutMapping(path = "/{kind}/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
  Pause pause(
      @PathVariable String kind,
      @PathVariable String name,
      @RequestBody PauseRequest request,
      HttpServletRequest http) {
    if (request == null) {
      throw Violations.invalid("body", "must be a JSON object");
    }
    Violations v = new Violations();
    PauseKind k = kindOf(kind, name, v);
    Operator.checkReason(request.reason(), v);
    v.throwIfAny();
    return pauses.pause(k, name, operators.of(http, request.reason()));
  }

  @DeleteMapping("/{kind}/{name}")
  ResponseEntity<Void> resume(
      @PathVariable String kind, @PathVariable String name, HttpServletRequest http) {
    Violations v = new Violations();
    PauseKind k = kindOf(kind, name, v);
    v.throwIfAny();
    pauses.resume(k, name, operators.of(http, "resume").name());
    return ResponseEntity.noContent().build();
  }

  static PauseKind kindOf(String kind, String name, Violations v) {
    PauseKind k = PauseKind.ofPath(kind);
    v.check(k != null, "kind", "must be topics or consumer-groups");
    v.rocketMqName(name, "name");
    return k;
  }
}
