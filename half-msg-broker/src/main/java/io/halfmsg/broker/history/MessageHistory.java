package io.halfmsg.broker.history;

import io.halfmsg.broker.operator.Operator;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Writes the events of a message's history that its own row cannot show — each check-back answer,
 * parking, a delivery going DEAD, a replay — and reads them back. Only code off the hot path calls
 * {@link #record}: prepares, producer decisions and acks cost no extra row; their lines are derived
 * from the message and its deliveries ({@code MessageView}).
 */
@Component
public class MessageHistory {

  /** A check-back answer was applied; detail: the answer and where it came from. */
  public static final String CHECK_BACK = "CHECK_BACK";

  /** Parked after max-checks undecided check-backs. */
  public static final String PARKED = "PARKED";

  /** A delivery ran out of attempts. */
  public static final String DEAD = "DEAD";

  /** An operator replayed a DEAD delivery. */
  public static final String REPLAYED = "REPLAYED";

  /** An operator decided a parked message. */
  public static final String RESOLVED = "RESOLVED";

  /** An operator sent a parked message back to check-back. */
  public static final String REARMED = "REARMED";

  /** An operator let the later messages of the message's sharding key go ahead of it. */
  public static final String KEY_RELEASED = "KEY_RELEASED";

  /** An operator cancelled a message held for its delivery time. */
  public static final String CANCELLED = "CANCELLED";

  /** Events kept in view per message: the latest ones, so a long story stays readable. */
  static final int SHOWN = 100;

  static final int MAX_DETAIL = 512;

  private final HistoryMapper mapper;
  private final Clock clock;

  MessageHistory(HistoryMapper mapper, Clock clock) {
    this.mapper = mapper;
    this.clock = clock;
  }

  /** Stores one event, now; in the caller's transaction if there is one. */
  public void record(String messageId, String event, String consumerGroup, String detail) {
    record(messageId, clock.instant(), event, consumerGroup, detail);
  }

  /** Stores one event that happened at {@code at}, e.g. with the state change it caused. */
  public void record(
      String messageId, Instant at, String event, String consumerGroup, String detail) {
    mapper.insert(messageId, at, event, consumerGroup, truncate(detail), null);
  }

  /** Stores an operator's action, with who did it and why. */
  public void recordByOperator(
      String messageId,
      Instant at,
      String event,
      String consumerGroup,
      Operator operator,
      String what) {
    mapper.insert(
        messageId, at, event, consumerGroup, truncate(operator.detail(what)), operator.name());
  }

  /** Stores the same operator's action for several deliveries, now, in one statement. */
  public void recordAllByOperator(
      List<Delivery> deliveries, String event, Operator operator, String what) {
    if (deliveries.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    String d = truncate(operator.detail(what));
    mapper.insertAll(
        deliveries.stream()
            .map(
                x ->
                    new HistoryMapper.StoredEvent(
                        x.messageId(), now, event, x.consumerGroup(), d, operator.name()))
            .toList());
  }

  /** A message's delivery to one group. */
  public record Delivery(String messageId, String consumerGroup) {}

  /** The stored events of a message, oldest first (the latest {@value #SHOWN}). */
  public List<HistoryEntry> storedEventsOf(String messageId) {
    return mapper.findLatest(messageId, SHOWN);
  }

  /** Deletes the stored events of messages being deleted. */
  public void deleteOf(List<String> messageIds) {
    if (!messageIds.isEmpty()) {
      mapper.deleteOf(messageIds);
    }
  }

  private static String truncate(String detail) {
    return detail == null || detail.length() <= MAX_DETAIL
        ? detail
        : detail.substring(0, MAX_DETAIL - 1) + "…";
  }
}
