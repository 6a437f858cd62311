package io.halfmsg.api;

/**
 * Where a half message is in its life, as the broker reports it ({@code hm_message.state}).
 *
 * <table>
 *   <caption>Allowed transitions, and which method of the broker's {@code MessageStore} writes
 *   each</caption>
 *   <tr><th>from</th><th>to</th><th>when</th><th>written by (condition)</th></tr>
 *   <tr><td>(none)</td><td>PREPARED</td><td>a prepare</td><td>{@code insertPrepared} (unique
 *       {@code message_id}: a second prepare finds the first)</td></tr>
 *   <tr><td>PREPARED, PARKED</td><td>COMMITTED, ROLLED_BACK</td><td>the producer's commit or
 *       rollback</td><td>{@code decideByProducer} (rows locked by {@code lockForDecision} and
 *       their state read first, in the same transaction)</td></tr>
 *   <tr><td>PREPARED</td><td>PREPARED</td><td>a check-back answered UNKNOWN or failed: one more
 *       check, later</td><td>{@code scheduleNextCheck} (version)</td></tr>
 *   <tr><td>PREPARED</td><td>COMMITTED, ROLLED_BACK</td><td>a check-back answered</td><td>{@code
 *       resolveByCheckBack} (version)</td></tr>
 *   <tr><td>PREPARED</td><td>PARKED</td><td>{@code max-checks} check-backs without an
 *       answer</td><td>{@code park} (version)</td></tr>
 *   <tr><td>PARKED</td><td>COMMITTED, ROLLED_BACK</td><td>an operator resolves it</td><td>{@code
 *       resolveParkedByOperator} (state is PARKED)</td></tr>
 *   <tr><td>PARKED</td><td>PREPARED</td><td>an operator re-arms its check-back (count reset,
 *       due now)</td><td>{@code rearmParked} (state is PARKED)</td></tr>
 *   <tr><td>COMMITTED</td><td>COMMITTED</td><td>a send failed: the recovery scanner tries again
 *       sooner than the lease</td><td>{@code retryForwardAt} after a recovery send (version, and
 *       state is COMMITTED); {@code dueSooner} after a fast-path send (while {@code forwarded_at}
 *       is empty, never later than it was due)</td></tr>
 *   <tr><td>COMMITTED</td><td>FORWARDED</td><td>a group acked it before the send's
 *       confirmation was written</td><td>{@code confirmForwardedByMessageId} (by message id, once:
 *       while {@code forwarded_at} is empty)</td></tr>
 *   <tr><td>COMMITTED</td><td>FORWARDED</td><td>RocketMQ stored it</td><td>{@code
 *       confirmForwarded} (by primary key, once: while {@code forwarded_at} is empty; only
 *       messages read as COMMITTED are sent)</td></tr>
 *   <tr><td>COMMITTED</td><td>CANCELLED</td><td>an operator cancels a message held for its
 *       delivery time ({@code deliverAt}), before that time</td><td>{@code cancelHeld} (state is
 *       COMMITTED, committed before {@code deliver_at}, {@code deliver_at} still ahead and
 *       {@code next_check_at} still {@code deliver_at}: no scanner has claimed it); its deliveries
 *       are deleted in the same transaction</td></tr>
 *   <tr><td>ROLLED_BACK, FORWARDED, CANCELLED</td><td>(deleted)</td><td>{@code halfmsg.retention}
 *       after it finished, once every delivery is acked</td><td>{@code deleteExpired} (rows locked by
 *       {@code lockExpired}, which skips rows another instance holds; one with an unacked
 *       delivery is {@code postpone}d instead)</td></tr>
 * </table>
 *
 * A claim by a scanner (check-back: {@code lockDuePrepared}, forward recovery: {@code
 * lockDueCommitted}, then {@code extendLease} in the same transaction) changes no state: it pushes
 * {@code next_check_at} forward by a lease and bumps the version, and the work's result is then
 * written only if the version is still the claimed one. When each state is next looked at once
 * decided is {@code NextLook}'s rule.
 */
public enum MessageState {
  /** Stored by the broker; the producer's local transaction has not been decided yet. */
  PREPARED,
  /**
   * The local transaction committed: the broker is forwarding the message to RocketMQ (at once; a
   * recovery scanner retries if that fails), or holds it until its delivery time ({@code
   * deliverAt}) and forwards it then.
   */
  COMMITTED,
  /**
   * Committed and stored in RocketMQ; each subscribed consumer group's delivery is tracked until it
   * acks. A committed message in every sense: producers treat it like COMMITTED.
   */
  FORWARDED,
  /** The local transaction rolled back: the message is never delivered. */
  ROLLED_BACK,
  /**
   * Check-backs could not decide it within the configured number of checks. It stays here, counted
   * and visible, until an operator resolves it.
   */
  PARKED,
  /**
   * Committed with a delivery time, and cancelled by an operator before that time: never forwarded,
   * never delivered. A producer's repeated commit answers it without an error; retention deletes it
   * like a rolled-back one.
   */
  CANCELLED
}
