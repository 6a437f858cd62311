package io.halfmsg.api;

/** Where a half message is in its life, as the broker reports it. */
public enum MessageState {
  /** Stored by the broker; the producer's local transaction has not been decided yet. */
  PREPARED,
  /**
   * The local transaction committed: the broker is forwarding the message to RocketMQ (at once; a
   * recovery scanner retries if that fails).
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
  PARKED
}
