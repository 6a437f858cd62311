package io.halfmsg.broker.delivery;

/** A delivery an instance has claimed for redelivery, with the version its claim wrote. */
record DueDelivery(
    long id,
    String messageId,
    String consumerGroup,
    int attempts,
    int maxAttempts,
    long ackTimeoutMs,
    int version) {

  @Override
  public String toString() {
    return messageId + "→" + consumerGroup;
  }
}
