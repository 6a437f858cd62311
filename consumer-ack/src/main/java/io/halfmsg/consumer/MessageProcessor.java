package io.halfmsg.consumer;

import io.halfmsg.api.RocketMqHeaders;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to one message: dedupe row and handler in one local transaction, then the ack.
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

  private static final Logger log = LoggerFactory.getLogger(MessageProcessor.class);

  /** The broker's message id format; anything else could not be a halfmsg message. */
  private static final Pattern MESSAGE_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,64}$");

  private final String consumerGroup;
  private final Map<String, Subscription> byTopic;
  private final LocalTransactions transactions;
  private final DedupeTable dedupe;
  private final PayloadReader payloads;
  private final Acks acks;
  private final Clock clock;
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong filtered = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

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

  Outcome process(MessageExt m) {
    String id = m.getUserProperty(RocketMqHeaders.MESSAGE_ID);
    if (id == null || !MESSAGE_ID.matcher(id).matches()) {
      // Not sent through halfmsg: there is nothing to dedupe by and no delivery to ack.
      skipped.incrementAndGet();
      log.warn(
          "Skipped RocketMQ message {} on topic {} for group {}: no valid {} property, so it was"
              + " not sent through halfmsg",
          m.getMsgId(),
          m.getTopic(),
          consumerGroup,
          RocketMqHeaders.MESSAGE_ID);
      return Outcome.SKIPPED;
    }
    Subscription s = byTopic.get(m.getTopic());
    if (s == null) {
      // A redelivery of a topic this instance has no handler for; another instance of the group
      // (or a later version of this one) may have it. Not acked: the delivery stays visible.
      skipped.incrementAndGet();
      log.warn(
          "Skipped {} on topic {}: group {} has no handler for that topic here; not acked",
          id,
          m.getTopic(),
          consumerGroup);
      return Outcome.SKIPPED;
    }
    if (!s.tags().matches(m.getTags())) {
      // Only redeliveries get here (RocketMQ filters first deliveries by tag on its side), but the
      // broker waits for this group's ack of every message of the topic: ack without handling.
      filtered.incrementAndGet();
      acks.enqueue(id);
      return Outcome.FILTERED;
    }
    ReceivedMessage message = ReceivedMessage.of(id, consumerGroup, m);
    boolean applied;
    try {
      applied =
          transactions.execute(
              c -> {
                if (!dedupe.insert(c, consumerGroup, id, clock.instant())) {
                  return false;
                }
                Object payload = payloads.read(message.body(), s.payloadType());
                s.handler().handle(payload, message, c);
                return true;
              });
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Exception | Error e) {
      failed.incrementAndGet();
      log.warn(
          "Handler of group {} failed on {} (topic {}); rolled back and not acked, the broker"
              + " sends it again after the ack timeout",
          consumerGroup,
          id,
          m.getTopic(),
          e);
      return Outcome.FAILED;
    }
    if (applied) {
      handled.incrementAndGet();
    } else {
      duplicates.incrementAndGet();
      log.debug(
          "{} was already applied by group {}; handler skipped, acked again", id, consumerGroup);
    }
    acks.enqueue(id);
    return applied ? Outcome.HANDLED : Outcome.DUPLICATE;
  }

  ConsumerStats stats() {
    return new ConsumerStats(
        handled.get(),
        duplicates.get(),
        failed.get(),
        filtered.get(),
        skipped.get(),
        acks.sent(),
        acks.dropped(),
        acks.pending());
  }
}
