package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.PrepareMessageRequest;
import io.halfmsg.broker.delivery.DeliveryView;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** A message as {@code GET /api/v1/messages/{messageId}} shows it. */
record MessageView(
    String messageId,
    String producerGroup,
    String topic,
    String tag,
    String keys,
    String body,
    String bodyEncoding,
    Map<String, String> properties,
    MessageState state,
    int checkCount,
    Instant nextCheckAt,
    Instant createdAt,
    Instant resolvedAt,
    ResolvedBy resolvedBy,
    List<DeliveryView> deliveries) {

  static MessageView of(StoredMessage m, List<DeliveryView> deliveries) {
    String body =
        PrepareMessageRequest.BASE64.equals(m.bodyEncoding())
            ? Base64.getEncoder().encodeToString(m.body())
            : new String(m.body(), StandardCharsets.UTF_8);
    return new MessageView(
        m.messageId(),
        m.producerGroup(),
        m.topic(),
        m.tag(),
        m.keys(),
        body,
        m.bodyEncoding(),
        m.properties(),
        m.state(),
        m.checkCount(),
        m.nextCheckAt(),
        m.createdAt(),
        m.resolvedAt(),
        m.resolvedBy(),
        deliveries);
  }
}
