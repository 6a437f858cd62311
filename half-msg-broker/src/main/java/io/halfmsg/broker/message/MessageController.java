package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.api.PrepareMessageRequest;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.operator.OperatorResolver;
import io.halfmsg.broker.web.Violations;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/messages")
class MessageController {

  private final MessageService service;
  private final MessageRequestValidator validator;
  private final OperatorResolver operators;

  MessageController(
      MessageService service, MessageRequestValidator validator, OperatorResolver operators) {
    this.service = service;
    this.validator = validator;
    this.operators = operators;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<MessageStateResponse> prepare(@RequestBody PrepareMessageRequest request) {
    if (request == null) {
      throw Violations.invalid("body", "must be a JSON object");
    }
    NewMessage message = validator.validate(request);
    MessageService.Prepared prepared;
    try (LogContext ignored = LogContext.producer(message.messageId(), message.producerGroup())) {
      prepared = service.prepare(message);
    }
    if (!prepared.created()) {
      return ResponseEntity.ok(prepared.message());
    }
    return ResponseEntity.created(URI.create("/api/v1/messages/" + prepared.message().messageId()))
        .body(prepared.message());
  }

  @PostMapping("/{messageId}/commit")
  MessageStateResponse commit(@PathVariable String messageId) {
    return service.commit(checked(messageId));
  }

  @PostMapping("/{messageId}/rollback")
  MessageStateResponse rollback(@PathVariable String messageId) {
    return service.rollback(checked(messageId));
  }

  /** Body of {@code POST /api/v1/messages/{messageId}/resolve}. */
  record ResolveRequest(String state, String reason) {}

  @PostMapping(path = "/{messageId}/resolve", consumes = MediaType.APPLICATION_JSON_VALUE)
  MessageStateResponse resolve(
      @PathVariable String messageId,
      @RequestBody ResolveRequest request,
      HttpServletRequest http) {
    if (request == null) {
      throw Violations.invalid("body", "must be a JSON object");
    }
    Violations v = new Violations();
    v.check(
        "COMMIT".equals(request.state()) || "ROLLBACK".equals(request.state()),
        "state",
        "must be COMMIT or ROLLBACK");
    Operator.checkReason(request.reason(), v);
    v.throwIfAny();
    MessageState target =
        "COMMIT".equals(request.state()) ? MessageState.COMMITTED : MessageState.ROLLED_BACK;
    return service.resolveParked(checked(messageId), target, operators.of(http, request.reason()));
  }

  @GetMapping("/{messageId}")
  MessageView get(@PathVariable String messageId) {
    return service.view(checked(messageId));
  }

  /**
   * The id from the path, if it is one: the store would otherwise look it up as it is, and MariaDB
   * ignores trailing spaces when it compares ({@code "id "} finds {@code "id"}).
   */
  private static String checked(String messageId) {
    Violations.requireMessageId(messageId);
    return messageId;
  }
}
