package io.halfmsg.producer;

/**
 * The local transaction of {@link HalfmsgProducer#sendInTransaction} threw. The message was
 * prepared but neither committed nor rolled back: the broker's check-back decides it, from the
 * barrier table or the application's {@link io.halfmsg.api.TransactionChecker}. The cause is what
 * the local transaction threw.
 */
public class LocalTransactionException extends HalfmsgException {

  private final String messageId;

  public LocalTransactionException(String messageId, Throwable cause) {
    super("The local transaction of message " + messageId + " failed: " + cause, cause);
    this.messageId = messageId;
  }

  /** The prepared message whose local transaction failed. */
  public String messageId() {
    return messageId;
  }
}
