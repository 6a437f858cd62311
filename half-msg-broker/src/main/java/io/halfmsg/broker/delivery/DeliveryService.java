package io.halfmsg.broker.delivery;

import io.halfmsg.api.AckRequest;
import io.halfmsg.broker.history.MessageHistory;
import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Acks from consumer groups, operator replays, and the deliveries shown with a message. */
@Service
public class DeliveryService {

  private static final int REPLAY_BATCH = 500;

  private final DeliveryMapper mapper;
  private final DeliveryBatchSql sql;
  private final MessageHistory history;
  private final DeliveryFailures failures;
  private final ForwardConfirmations confirmations;
  private final KeyHandover keyHandover;
  private final AckLatency ackLatency;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Counter acked;

  DeliveryService(
      DeliveryMapper mapper,
      DeliveryBatchSql sql,
      MessageHistory history,
      DeliveryFailures failures,
      ForwardConfirmations confirmations,
      KeyHandover keyHandover,
      AckLatency ackLatency,
      TransactionTemplate transaction,
      Clock clock,
      MeterRegistry meters) {
    this.mapper = mapper;
    this.sql = sql;
    this.history = history;
    this.failures = failures;
    this.confirmations = confirmations;
    this.keyHandover = keyHandover;
    this.ackLatency = ackLatency;
    this.transaction = transaction;
    this.clock = clock;
    this.acked =
        Counter.builder("halfmsg.deliveries.acked")
            .description("Deliveries acked by their consumer group")
            .register(meters);
  }

  /** Records acks; unknown and repeated ones change nothing. Returns how many were new. */
  int ack(List<AckRequest> acks) {
    Instant now = clock.instant();
    int n = sql.ack(acks, now);
    acked.increment(n);
    if (n > 0) {
      List<String> messageIds = acks.stream().map(AckRequest::messageId).toList();
      confirmations.confirmAcked(messageIds, now);
      // After the write: of two groups acking at once, the later look sees both acks.
      keyHandover.settleSoon(messageIds);
      ackLatency.acked(acks, now);
    }
    return n;
  }

  /**
   * Deletes the deliveries of a message that will never be forwarded (cancelled): none comes due,
   * and retention finds none unacked. Call in the transaction that cancels it.
   */
  public void dropAll(String messageId) {
    mapper.deleteOfMessage(messageId);
  }

  /** A message's deliveries, each with its latest failed attempts. */
  public List<DeliveryView> deliveriesOf(String messageId) {
    List<DeliveryView> deliveries = mapper.findByMessageId(messageId);
    if (deliveries.isEmpty()) {
      return deliveries;
    }
    Map<String, List<DeliveryFailure>> failed = failures.ofMessage(messageId);
    return deliveries.stream()
        .map(d -> d.withFailures(failed.getOrDefault(d.consumerGroup(), List.of())))
        .toList();
  }

  /** Sends a DEAD delivery again, with a fresh count of attempts; the history says who and why. */
  public void replayOne(String messageId, String consumerGroup, Operator operator) {
    // The state change and its history line commit together, or neither does.
    boolean replayed =
        Boolean.TRUE.equals(
            transaction.execute(
                status -> {
                  Instant now = clock.instant();
                  if (mapper.replayOne(messageId, consumerGroup, now) != 1) {
                    return false;
                  }
                  history.recordByOperator(
                      messageId, now, MessageHistory.REPLAYED, consumerGroup, operator, "replay");
                  return true;
                }));
    if (replayed) {
      return;
    }
    DeliveryState state = mapper.findState(messageId, consumerGroup);
    if (state == null) {
      throw new ApiException(
          ProblemType.DELIVERY_NOT_FOUND,
          "No delivery of " + messageId + " to consumer group " + consumerGroup + ".");
    }
    throw new ApiException(
        ProblemType.NOT_DEAD, "The delivery is " + state + "; only DEAD deliveries are replayed.");
  }

  /**
   * Replays exactly these DEAD deliveries, which the caller's transaction has locked, each with a
   * history line; returns how many it replayed.
   */
  public int replayLocked(
      List<MessageHistory.Delivery> deliveries, Operator operator, String what) {
    int replayed = 0;
    Instant now = clock.instant();
    for (int from = 0; from < deliveries.size(); from += REPLAY_BATCH) {
      List<MessageHistory.Delivery> batch =
          deliveries.subList(from, Math.min(deliveries.size(), from + REPLAY_BATCH));
      replayed += mapper.replayAll(batch, now);
      history.recordAllByOperator(batch, MessageHistory.REPLAYED, operator, what);
    }
    return replayed;
  }

  /** Replays every DEAD delivery of a group and/or topic, in small batches. */
  int replayAllDead(String consumerGroup, String topic, Operator operator) {
    String what =
        "replay of every DEAD delivery"
            + (consumerGroup == null ? "" : " to " + consumerGroup)
            + (topic == null ? "" : " of topic " + topic);
    int total = 0;
    int n;
    do {
      n =
          transaction.execute(
              status -> {
                List<MessageHistory.Delivery> dead =
                    mapper.lockDead(consumerGroup, topic, REPLAY_BATCH);
                if (dead.isEmpty()) {
                  return 0;
                }
                mapper.replayAll(dead, clock.instant());
                history.recordAllByOperator(dead, MessageHistory.REPLAYED, operator, what);
                return dead.size();
              });
      total += n;
    } while (n == REPLAY_BATCH);
    return total;
  }
}
