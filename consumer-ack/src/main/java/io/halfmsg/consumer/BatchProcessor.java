package io.halfmsg.consumer;

import io.halfmsg.consumer.MessageProcessor.Admitted;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a batch RocketMQ hands the listener: its new messages in one local transaction
 * (one multi-row dedupe insert, every handler in order on the same connection, one commit), or, if
 * any of that fails, each message in a transaction of its own as {@link MessageProcessor} does.
 *
 * <p>The batch transaction is all or nothing: it commits only when every dedupe row was new and
 * every handler returned, and otherwise rolls back before the fallback starts, so a message is
 * never applied twice and one failing handler costs its neighbours a second run, not their effect.
 * A batch the database rolled back to break a deadlock (handlers of concurrent batches updating the
 * same rows in different orders) is run again as a batch, as the database asks, a few times before
 * it is taken apart.
 */
final class BatchProcessor {

  private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

  /** Runs of a batch again after it lost a deadlock, before it falls back. */
  private static final int DEADLOCK_RETRIES = 2;

  private final String consumerGroup;
  private final MessageProcessor messages;
  private final LocalTransactions transactions;
  private final DedupeTable dedupe;
  private final Clock clock;

  BatchProcessor(
      String consumerGroup,
      MessageProcessor messages,
      LocalTransactions transactions,
      DedupeTable dedupe,
      Clock clock) {
    this.consumerGroup = consumerGroup;
    this.messages = messages;
    this.transactions = transactions;
    this.dedupe = dedupe;
    this.clock = clock;
  }

  void process(List<MessageExt> batch) {
    List<Admitted> admitted = new ArrayList<>(batch.size());
    for (MessageExt m : batch) {
      // Skipped and filtered messages need no transaction: done here, as when they come alone.
      if (messages.screen(m) instanceof Admitted a) {
        admitted.add(a);
      }
    }
    if (admitted.size() == 1) {
      messages.processAlone(admitted.get(0));
    } else if (admitted.size() > 1) {
      if (applyTogether(admitted)) {
        messages.committedTogether(admitted);
      } else {
        messages.fellBack();
        admitted.forEach(messages::processAlone);
      }
    }
  }

  /** {@code true} if the batch committed; {@code false} if it rolled back. */
  private boolean applyTogether(List<Admitted> batch) {
    for (int run = 1; ; run++) {
      try {
        return transactions.execute(
            c -> {
              int inserted =
                  dedupe.insertAll(
                      c, consumerGroup, batch.stream().map(Admitted::id).toList(), clock.instant());
              if (inserted != batch.size()) {
                // Some message was applied before (a redelivery) or is in the batch twice. Which
                // one is the single transactions' business: roll back, they will each find out.
                throw new NotAllNew(batch.size() - inserted);
              }
              for (Admitted a : batch) {
                messages.handle(a, c);
              }
              return true;
            });
      } catch (VirtualMachineError e) {
        throw e;
      } catch (NotAllNew e) {
        log.debug(
            "Batch of {} messages of group {}: {} applied before or repeated; one transaction per"
                + " message instead",
            batch.size(),
            consumerGroup,
            e.duplicates);
        return false;
      } catch (Exception | Error e) {
        if (run <= DEADLOCK_RETRIES && lostADeadlock(e)) {
          // Rolled back whole, so running it again applies nothing twice; the batch that won
          // holds the rows now and is about to commit, so this run waits for it.
          log.debug(
              "Batch of {} messages of group {} lost a deadlock; running it again",
              batch.size(),
              consumerGroup);
          continue;
        }
        // The failing message's own transaction logs its failure, if it fails again alone.
        log.info(
            "Batch of {} messages of group {} rolled back ({}); one transaction per message"
                + " instead",
            batch.size(),
            consumerGroup,
            e.toString());
        return false;
      }
    }
  }

  /**
   * Whether the database rolled the transaction back to break a deadlock: SQLSTATE 40001 (MySQL's
   * and MariaDB's error 1213) anywhere in the cause chain, where a transaction manager's own
   * exception (Spring's {@code DeadlockLoserDataAccessException}) keeps it.
   */
  static boolean lostADeadlock(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof SQLException sql && "40001".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** Rolls the batch back when a dedupe row existed; expected, so without a stack trace. */
  private static final class NotAllNew extends Exception {
    final int duplicates;

    NotAllNew(int duplicates) {
      super(duplicates + " dedupe rows existed", null, false, false);
      this.duplicates = duplicates;
    }
  }
}
