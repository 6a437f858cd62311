package io.halfmsg.producer;

import io.halfmsg.api.TransactionState;

/**
 * The local (database) transaction a message belongs to: the counterpart of RocketMQ's {@code
 * TransactionListener#executeLocalTransaction(Message, Object)}.
 *
 * <p>It runs after the half message is prepared and before it is committed or rolled back. Return
 * {@link TransactionState#COMMIT} once the local transaction has committed, {@link
 * TransactionState#ROLLBACK} once it has rolled back, and {@link TransactionState#UNKNOWN} if it
 * cannot tell; an exception counts as {@code UNKNOWN}. After {@code UNKNOWN} the broker's
 * check-back decides, so the {@link io.halfmsg.api.TransactionChecker} must be able to answer from
 * durable state (the barrier table does).
 */
@FunctionalInterface
public interface LocalTransaction {

  /**
   * Runs the local transaction.
   *
   * @param message the prepared message, with its {@link Message#messageId()}
   * @return the outcome of the local transaction
   * @throws Exception when it failed; no commit or rollback is sent, check-back decides
   */
  TransactionState execute(Message message) throws Exception;
}
