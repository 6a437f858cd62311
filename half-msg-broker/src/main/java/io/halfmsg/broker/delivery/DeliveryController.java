package io.halfmsg.broker.delivery;

import io.halfmsg.api.AckRequest;
import io.halfmsg.api.WireRules;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.operator.OperatorResolver;
import io.halfmsg.broker.web.Violations;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class DeliveryController {

  private static final int MAX_ACKS = WireRules.MAX_BATCH_ITEMS;

  private final DeliveryService service;
  private final OperatorResolver operators;

  DeliveryController(DeliveryService service, OperatorResolver operators) {
    this.service = service;
    this.operators = operators;
  }

  record AckResult(int received, int acked) {}

  @PostMapping(path = "/api/v1/acks", consumes = MediaType.APPLICATION_JSON_VALUE)
  AckResult ack(@RequestBody List<AckRequest> acks) {
    Violations v = new Violations();
    v.check(acks != null && !acks.isEmpty(), "acks", "must be a non-empty array");
    v.check(
        acks == null || acks.size() <= MAX_ACKS,
        "acks",
        "must have at most " + MAX_ACKS + " entries");
    if (acks != null) {
      for (int i = 0; i < acks.size() && i < MAX_ACKS; i++) {
        AckRequest a = acks.get(i);
        if (!v.check(a != null, "acks[" + i + "]", "is required")) {
          continue;
        }
        v.messageId(a.messageId(), "acks[" + i + "].messageId");
        v.rocketMqName(a.consumerGroup(), "acks[" + i + "].consumerGroup");
      }
    }
    v.throwIfAny();
    return new AckResult(acks.size(), service.ack(acks.stream().distinct().toList()));
  }

  /**
   * Body of {@code POST /api/v1/deliveries/replay}: one delivery ({@code messageId} and {@code
   * consumerGroup}), or every DEAD delivery of a {@code consumerGroup} and/or {@code topic}; with
   * the operator's {@code reason}.
   */
  record ReplayRequest(String messageId, String consumerGroup, String topic, String reason) {}

  record ReplayResult(int replayed) {}

  @PostMapping(path = "/api/v1/deliveries/replay", consumes = MediaType.APPLICATION_JSON_VALUE)
  ReplayResult replay(@RequestBody ReplayRequest request, HttpServletRequest http) {
    if (request == null) {
      throw Violations.invalid("body", "must be a JSON object");
    }
    Violations v = new Violations();
    if (request.consumerGroup() != null) {
      v.rocketMqName(request.consumerGroup(), "consumerGroup");
    }
    if (request.topic() != null) {
      v.rocketMqName(request.topic(), "topic");
    }
    if (request.messageId() != null) {
      v.messageId(request.messageId(), "messageId");
      v.check(
          request.consumerGroup() != null,
          "consumerGroup",
          "is required to replay one message's delivery");
      v.check(request.topic() == null, "topic", "must be absent when messageId is given");
    } else {
      v.check(
          request.consumerGroup() != null || request.topic() != null,
          "consumerGroup",
          "or topic (or messageId with consumerGroup) is required");
    }
    Operator.checkReason(request.reason(), v);
    v.throwIfAny();
    Operator operator = operators.of(http, request.reason());
    if (request.messageId() != null) {
      try (LogContext ignored = LogContext.consumer(request.messageId(), request.consumerGroup())) {
        service.replayOne(request.messageId(), request.consumerGroup(), operator);
      }
      return new ReplayResult(1);
    }
    return new ReplayResult(
        service.replayAllDead(request.consumerGroup(), request.topic(), operator));
  }
}
