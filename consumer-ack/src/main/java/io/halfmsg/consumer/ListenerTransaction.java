package io.halfmsg.consumer;

import io.halfmsg.api.RocketMqHeaders;
import io.halfmsg.api.WireRules;
import io.halfmsg.api.logging.LogContext;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a RocketMQ listener on the halfmsg messages of one {@code consumeMessage} call in one local
 * transaction with their dedupe rows, for {@link HalfmsgMQPushConsumer}: rows first, the listener
 * with the messages not applied before, commit if it reports success, then the acks.
 */
final class ListenerTransaction {

  /** The user's listener on a list of messages: true if it applied them. */
  @FunctionalInterface
  interface Listener {
    boolean consume(List<MessageExt> messages) throws Exception;
  }

  /** Thrown inside the transaction when the listener did not report success, to roll back. */
  private static final class NotApplied extends Exception {
    NotApplied() {
      super("listener did not report success", null, false, false);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(ListenerTransaction.class);

  private final String group;
  private final LocalTransactions transactions;
  private final TransactionBoundDataSource boundDataSource;
  private final DedupeTable dedupe;
  private final Acks acks;
  private final ConsumerCounters counters;
  private final Clock clock;

  /**
   * @param boundDataSource the data source to bind the transaction's connection to during the
   *     listener call, or null where the transaction manager binds it itself (Spring's)
   */
  ListenerTransaction(
      String group,
      LocalTransactions transactions,
      TransactionBoundDataSource boundDataSource,
      DedupeTable dedupe,
      Acks acks,
      ConsumerCounters counters,
      Clock clock) {
    this.group = group;
    this.transactions = transactions;
    this.boundDataSource = boundDataSource;
    this.dedupe = dedupe;
    this.acks = acks;
    this.counters = counters;
    this.clock = clock;
  }

  static boolean sentThroughHalfmsg(MessageExt m) {
    return WireRules.isMessageId(m.getUserProperty(RocketMqHeaders.MESSAGE_ID));
  }

  static String id(MessageExt m) {
    return m.getUserProperty(RocketMqHeaders.MESSAGE_ID);
  }

  /**
   * Applies {@code messages} (all sent through halfmsg) through {@code listener}.
   *
   * @return true if they are applied (now or before) and their acks queued; false if rolled back
   */
  boolean apply(List<MessageExt> messages, Listener listener) {
    try (LogContext ignored = LogContext.consumer(id(messages.get(0)), group)) {
      int applied;
      try {
        applied = transactions.execute(c -> applyIn(c, messages, listener));
      } catch (VirtualMachineError e) {
        throw e;
      } catch (NotApplied e) {
        counters.failed(messages.size());
        log.info(
            "Listener of group {} did not apply {}; rolled back and not acked, the broker sends"
                + " them again after the ack timeout",
            group,
            ids(messages));
        return false;
      } catch (Exception | Error e) {
        counters.failed(messages.size());
        log.warn(
            "Listener of group {} failed on {}; rolled back and not acked, the broker sends them"
                + " again after the ack timeout",
            group,
            ids(messages),
            e);
        return false;
      }
      counters.handled(applied);
      if (applied > 1) {
        counters.batch();
      }
      for (int i = applied; i < messages.size(); i++) {
        counters.duplicate();
      }
      for (MessageExt m : messages) {
        acks.enqueue(id(m));
      }
      return true;
    }
  }

  /** The number of messages the listener applied: those without a dedupe row before. */
  private int applyIn(Connection c, List<MessageExt> messages, Listener listener) throws Exception {
    // Rows in id order: two calls sharing ids take the row locks in one order, never deadlock.
    List<MessageExt> fresh = new ArrayList<>();
    List<MessageExt> sorted = new ArrayList<>(messages);
    sorted.sort(Comparator.comparing(ListenerTransaction::id));
    for (MessageExt m : sorted) {
      if (dedupe.insert(c, group, id(m), clock.instant())) {
        fresh.add(m);
      } else {
        log.debug(
            "{} was already applied by group {}; listener skipped, acked again", id(m), group);
      }
    }
    if (fresh.isEmpty()) {
      return 0;
    }
    // The listener sees its messages in the order RocketMQ delivered them.
    List<MessageExt> inOrder = messages.stream().filter(fresh::contains).toList();
    boolean applied =
        boundDataSource != null
            ? boundDataSource.withBound(c, bound -> listener.consume(inOrder))
            : listener.consume(inOrder);
    if (!applied) {
      throw new NotApplied();
    }
    return fresh.size();
  }

  private static List<String> ids(List<MessageExt> messages) {
    return messages.stream().map(ListenerTransaction::id).toList();
  }
}
