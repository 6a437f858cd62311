package io.halfmsg.consumer;

import io.halfmsg.api.RocketMqHeaders;
import io.halfmsg.api.WireRules;
import io.halfmsg.api.logging.LogContext;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to one message: dedupe row and handler in one local transaction, then the ack. Also
 * counts ({@link ConsumerCounters}) the messages {@link BatchProcessor} applies together.
 *
 * <p>The ack is queued only after the commit, so the broker never hears of work that did not
 * commit. A crash between the commit and the ack costs one redelivery, which the dedupe row turns
 * into a skipped handler and a new ack.
 */
final class MessageProcessor {

  enum Outcome {
    HANDLED,
    DUPLICATE,
    FAILED,
    FILTERED,
    SKIPPED
  }

  /** A message after the checks that need no database: done already, or one to apply. */
  sealed interface Screened permits Admitted, Done {}

  /** A message with a halfmsg id, a handler and a wanted tag: it needs a local transaction. */
  record Admitted(String id, Subscription subscription, ReceivedMessage message)
      implements Screened {}

  /** A message skipped or filtered (and then acked) without a transaction. */
  record Done(Outcome outcome) implements Screened {}

  private static final Logger log = LoggerFactory.getLogger(MessageProcessor.class);

  private final String consumerGroup;
  private final Map<String, Subscription> byTopic;
  private final LocalTransactions transactions;
  private final DedupeTable dedupe;
  private final PayloadReader payloads;
  private final Acks acks;
  private final Clock clock;
  private final ConsumerCounters counters = new ConsumerCounters();

  MessageProcessor(
      String consumerGroup,
      Map<String, Subscription> byTopic,
      LocalTransactions transactions,
      DedupeTable dedupe,
      PayloadReader payloads,
      Acks acks,
      Clock clock) {
    this.consumerGroup = consumerGroup;
    this.byTopic = Map.copyOf(byTopic);
    this.transactions = transactions;
    this.dedupe = dedupe;
    this.payloads = payloads;
    this.acks = acks;
    this.clock = clock;
  }

  /** One message in a transaction of its own. */
  Outcome process(MessageExt m) {
    Screened s = screen(m);
    return s instanceof Admitted a ? processAlone(a) : ((Done) s).outcome();
  }

  /**
   * Skips a message that was not sent through halfmsg or has no handler here, and acks one whose
   * tag the group does not want; the others are {@link Admitted}.
   */
  Screened screen(MessageExt m) {
    String id = m.getUserProperty(RocketMqHeaders.MESSAGE_ID);
    if (!WireRules.isMessageId(id)) {
      // Not sent through halfmsg: there is nothing to dedupe by and no delivery to ack.
      counters.skipped();
      log.warn(
          "Skipped RocketMQ message {} on topic {} for group {}: no valid {} property, so it was"
              + " not sent through halfmsg",
          m.getMsgId(),
          m.getTopic(),
          consumerGroup,
          RocketMqHeaders.MESSAGE_ID);
      return new Done(Outcome.SKIPPED);
    }
    try (LogContext ignored = LogContext.consumer(id, consumerGroup)) {
      return screen(id, m);
    }
  }

  private Screened screen(String id, MessageExt m) {
    Subscription s = byTopic.get(m.getTopic());
    if (s == null) {
      // A redelivery of a topic this instance has no handler for; another instance of the group
      // (or a later version of this one) may have it. Not acked: the delivery stays visible.
      counters.skipped();
      log.warn(
          "Skipped {} on topic {}: group {} has no handler for that topic here; not acked",
          id,
          m.getTopic(),
          consumerGroup);
      return new Done(Outcome.SKIPPED);
    }
    if (!s.tags().matches(m.getTags())) {
      // Only redeliveries get here (RocketMQ filters first deliveries by tag on its side), but the
      // broker waits for this group's ack of every message of the topic: ack without handling.
      counters.filtered();
      acks.enqueue(id);
      return new Done(Outcome.FILTERED);
    }
    return new Admitted(id, s, ReceivedMessage.of(id, consumerGroup, m));
  }

  /** Dedupe row, handler, commit, ack: the message in a local transaction of its own. */
  Outcome processAlone(Admitted a) {
    try (LogContext ignored = logContext(a)) {
      return applyAlone(a);
    }
  }

  private Outcome applyAlone(Admitted a) {
    boolean applied;
    try {
      applied =
          transactions.execute(
              c -> {
                if (!dedupe.insert(c, consumerGroup, a.id(), clock.instant())) {
                  return false;
                }
                handle(a, c);
                return true;
              });
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Exception | Error e) {
      counters.failed(1);
      log.warn(
          "Handler of group {} failed on {} (topic {}); rolled back and not acked, the broker"
              + " sends it again after the ack timeout",
          consumerGroup,
          a.id(),
          a.message().topic(),
          e);
      return Outcome.FAILED;
    }
    if (applied) {
      counters.handled(1);
    } else {
      counters.duplicate();
      log.debug(
          "{} was already applied by group {}; handler skipped, acked again",
          a.id(),
          consumerGroup);
    }
    acks.enqueue(a.id());
    return applied ? Outcome.HANDLED : Outcome.DUPLICATE;
  }

  /**
   * Converts the body and runs the handler, in the caller's transaction; what the handler logs
   * carries the message id and the group.
   */
  void handle(Admitted a, Connection c) throws Exception {
    try (LogContext ignored = logContext(a)) {
      Object payload = payloads.read(a.message().body(), a.subscription().payloadType());
      a.subscription().handler().handle(payload, a.message(), c);
    }
  }

  private LogContext logContext(Admitted a) {
    return LogContext.consumer(a.id(), consumerGroup);
  }

  /** Counts and acks the messages of a batch transaction that committed. */
  void committedTogether(List<Admitted> batch) {
    counters.batch();
    counters.handled(batch.size());
    for (Admitted a : batch) {
      try (LogContext ignored = logContext(a)) {
        acks.enqueue(a.id());
      }
    }
  }

  /** Counts a batch transaction that rolled back, whose messages now go one by one. */
  void fellBack() {
    counters.batchFallback();
  }

  ConsumerStats stats() {
    return counters.stats(acks);
  }
}
