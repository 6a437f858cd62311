package io.halfmsg.api;

/**
 * The outcome of a producer's local transaction, as the producer reports it on commit or in a
 * check-back answer. Maps to RocketMQ's {@code LocalTransactionState}: {@code COMMIT_MESSAGE},
 * {@code ROLLBACK_MESSAGE}, {@code UNKNOW}.
 */
public enum TransactionState {
  /** The local transaction committed: deliver the message. */
  COMMIT,
  /** The local transaction rolled back: discard the message. */
  ROLLBACK,
  /** Not decided yet (or the producer cannot tell): ask again later. */
  UNKNOWN
}
