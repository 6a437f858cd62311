package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.PrepareMessageRequest;
import io.halfmsg.broker.delivery.DeliveryState;
import io.halfmsg.broker.delivery.DeliveryView;
import io.halfmsg.broker.delivery.KeyQueue;
import io.halfmsg.broker.history.HistoryEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A message as {@code GET /api/v1/messages/{messageId}} and the console show it.
 *
 * @param deliverAt when it may be forwarded at the earliest, if the prepare asked for a delay
 * @param keyQueue where the message stands among the messages that hold its sharding key (how many
 *     before it, how many it holds back), or null if it holds none (no key, or done)
 */
public record MessageView(
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
    Instant deliverAt,
    String shardingKey,
    KeyQueue.Place keyQueue,
    List<DeliveryView> deliveries,
    List<HistoryEntry> history) {

  /**
   * @param storedEvents the events {@code MessageHistory} stored for the message (check-backs,
   *     parking, DEAD, replays); the prepare, the decision and the acks are read from {@code m} and
   *     {@code deliveries}
   */
  static MessageView of(
      StoredMessage m,
      KeyQueue.Place keyQueue,
      List<DeliveryView> deliveries,
      List<HistoryEntry> storedEvents) {
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
        m.deliverAt(),
        m.shardingKey(),
        keyQueue,
        deliveries,
        history(m, deliveries, storedEvents));
  }

  /**
   * Whether, at {@code now}, it waits committed for a delivery time still to come: what the console
   * offers to cancel. The cancel itself decides again, in its own statement.
   */
  public boolean heldAt(Instant now) {
    return state == MessageState.COMMITTED
        && NextLook.holds(deliverAt, resolvedAt)
        && deliverAt.isAfter(now);
  }

  private static List<HistoryEntry> history(
      StoredMessage m, List<DeliveryView> deliveries, List<HistoryEntry> storedEvents) {
    List<HistoryEntry> lines = new ArrayList<>();
    lines.add(new HistoryEntry(m.createdAt(), "PREPARED", null, "by " + m.producerGroup()));
    lines.addAll(storedEvents);
    if (m.resolvedAt() != null) {
      String decision =
          m.state() == MessageState.ROLLED_BACK ? "ROLLED_BACK" : MessageState.COMMITTED.name();
      lines.add(new HistoryEntry(m.resolvedAt(), decision, null, "by " + m.resolvedBy()));
    }
    if (m.forwardedAt() != null) {
      lines.add(new HistoryEntry(m.forwardedAt(), "FORWARDED", null, "stored in RocketMQ"));
    }
    for (DeliveryView d : deliveries) {
      if (d.ackedAt() != null) {
        lines.add(
            new HistoryEntry(
                d.ackedAt(),
                DeliveryState.ACKED.name(),
                d.consumerGroup(),
                "after " + d.attempts() + " sends"));
      }
    }
    // Stable: at equal times the order above (a check-back's answer before the decision it made).
    lines.sort(Comparator.comparing(HistoryEntry::at));
    return lines;
  }
}
