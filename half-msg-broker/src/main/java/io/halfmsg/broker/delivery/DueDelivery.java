package io.halfmsg.broker.delivery;

/**
 * A delivery an instance has claimed for redelivery, with the version its claim wrote; {@code
 * lastError} is set when its latest send failed.
 */
record DueDelivery(
    long id,
    String messageId,
    String consumerGroup,
    int attempts,
    int maxAttempts,
    long ackTimeoutMs,
    int version,
    String lastError) {

  @Override
  public String toString() {
    return messageId + "→" + consumerGroup;
  }
}
