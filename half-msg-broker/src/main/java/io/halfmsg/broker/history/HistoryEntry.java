package io.halfmsg.broker.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One line of a message's history, as {@code GET /api/v1/messages/{id}} shows it.
 *
 * @param at when it happened (UTC)
 * @param event what happened: PREPARED, CHECK_BACK, PARKED, COMMITTED, ROLLED_BACK, FORWARDED,
 *     ACKED, DEAD, and the operators' RESOLVED, REARMED, REPLAYED
 * @param consumerGroup the group, for delivery events
 * @param detail e.g. the check-back's answer and where it came from, who decided, attempts; an
 *     operator's reason
 * @param actor the operator, for operators' actions
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEntry(
    Instant at, String event, String consumerGroup, String detail, String actor) {

  /** A line of the broker's own doing. */
  public HistoryEntry(Instant at, String event, String consumerGroup, String detail) {
    this(at, event, consumerGroup, detail, null);
  }
}
