package io.halfmsg.producer.barrier;

import io.halfmsg.producer.Message;
import java.sql.Connection;

/** The business part of a local transaction, on the connection that also writes the barrier row. */
@FunctionalInterface
public interface JdbcWork {

  /**
   * Does the local transaction's work. Do not commit, roll back or change auto-commit: {@link
   * BarrierTable#inTransaction} does that.
   *
   * @param connection the transaction's connection
   * @param message the prepared message, with its id
   * @throws Exception to roll the local transaction back
   */
  void execute(Connection connection, Message message) throws Exception;
}
