package io.halfmsg.broker.delivery;

/** Why one attempt of a delivery did not end in an ack ({@code hm_delivery_failure.cause}). */
public enum FailureCause {
  /** Sent, but the group did not ack within its ack timeout. */
  ACK_TIMEOUT,
  /**
   * The message was not stored in RocketMQ yet when the ack timeout passed: the delivery waits for
   * its forward, uncounted (recorded once, when the wait begins).
   */
  NOT_FORWARDED,
  /** RocketMQ did not take the redelivery (the error class and message say why). */
  SEND_FAILED,
  /** The message itself no longer exists, so there was nothing to send. */
  MESSAGE_GONE
}
