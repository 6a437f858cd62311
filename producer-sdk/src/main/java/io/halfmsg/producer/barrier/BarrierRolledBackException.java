package io.halfmsg.producer.barrier;

import java.sql.SQLIntegrityConstraintViolationException;

/**
 * The local transaction tried to write its barrier row, but a check-back has already answered
 * {@code ROLLBACK} for the message (its marker holds the primary key): the broker has rolled the
 * message back, so this local transaction must roll back too. A duplicate-key error (SQL state
 * 23000, MySQL error 1062), so frameworks translate it as one (Spring: {@code
 * DuplicateKeyException}).
 */
public class BarrierRolledBackException extends SQLIntegrityConstraintViolationException {

  private final String messageId;

  public BarrierRolledBackException(String messageId, Throwable cause) {
    super(
        "Message "
            + messageId
            + " was already rolled back by a check-back; its local transaction must roll back",
        "23000",
        1062,
        cause);
    this.messageId = messageId;
  }

  public String messageId() {
    return messageId;
  }
}
