package io.halfmsg.api;

/**
 * Implemented by producers to answer the broker's check-back for a half message that was neither
 * committed nor rolled back in time: the counterpart of RocketMQ's {@code
 * TransactionListener#checkLocalTransaction(MessageExt)}, with {@link TransactionState} in place of
 * {@code LocalTransactionState}.
 *
 * <p>The answer must come from durable state (the business row or the SDK's barrier row), never
 * from memory: the instance that sent the message may be gone, and any live instance of the
 * producer group may be asked. The same message may be checked many times and concurrently, so the
 * check must be idempotent and free of side effects other than the barrier marker.
 *
 * <p>Answer {@link TransactionState#UNKNOWN} while the local transaction may still commit; the
 * broker asks again later with backoff and, after its configured number of checks, parks the
 * message for an operator. A thrown exception, or a {@code null} result, counts as {@link
 * TransactionState#UNKNOWN} — never as {@link TransactionState#COMMIT}.
 */
@FunctionalInterface
public interface TransactionChecker {

  /**
   * Reports the outcome of the local transaction behind a half message.
   *
   * @param request the message the broker asks about
   * @return {@link TransactionState#COMMIT} if the local transaction committed, {@link
   *     TransactionState#ROLLBACK} if it rolled back or can no longer commit, {@link
   *     TransactionState#UNKNOWN} if it cannot be told yet
   */
  TransactionState check(CheckBackRequest request);
}
