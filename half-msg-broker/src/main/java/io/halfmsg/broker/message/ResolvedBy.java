package io.halfmsg.broker.message;

/** Who decided a message's fate. */
public enum ResolvedBy {
  /** The producer called commit or rollback. */
  PRODUCER,
  /** The producer's answer to a check-back. */
  CHECK_BACK,
  /** An operator, through the admin API. */
  OPERATOR
}
