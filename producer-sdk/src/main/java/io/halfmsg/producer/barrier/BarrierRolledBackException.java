package io.halfmsg.producer.barrier;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;

/**
 * The local transaction tried to write its barrier row, but a check-back has already answered
 * {@code ROLLBACK} for the message (its marker holds the primary key): the broker has rolled the
 * message back, so this local transaction must roll back too. A duplicate-key error with the
 * database's own SQL state and error code (MySQL: 23000 / 1062; H2: 23505), so frameworks translate
 * it as one (Spring: {@code DuplicateKeyException}).
 */
public class BarrierRolledBackException extends SQLIntegrityConstraintViolationException {

  private final String messageId;

  public BarrierRolledBackException(String messageId, SQLException cause) {
    super(
        "Message "
            + messageId
            + " was already rolled back by a check-back; its local transaction must roll back",
        cause.getSQLState(),
        cause.getErrorCode(),
        cause);
    this.messageId = messageId;
  }

  public String messageId() {
    return messageId;
  }
}
