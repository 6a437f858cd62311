package io.halfmsg.consumer;

import java.sql.Connection;
import javax.sql.DataSource;

/**
 * Runs work in one local database transaction on the consumer's own database. The dedupe rows and
 * the handlers' writes of one message, or of a RocketMQ batch of them, go through the same
 * transaction, so they commit together or not at all.
 *
 * <p>{@link #jdbc(DataSource)} is the plain-JDBC implementation that {@link
 * HalfmsgConsumer.Builder#dataSource(DataSource)} uses. The Spring Boot auto-configuration uses one
 * on Spring's transaction manager instead, so that {@code JdbcTemplate} or MyBatis code in the
 * handler joins the transaction. Implement it yourself for another transaction manager.
 */
public interface LocalTransactions {

  /**
   * Runs {@code work} in a new transaction (or, where the transaction manager allows it, the
   * current one) and commits it; if {@code work} throws, rolls back and rethrows.
   *
   * @return what {@code work} returned
   */
  <T> T execute(Work<T> work) throws Exception;

  /** Work done with the connection of the transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws Exception;
  }

  /**
   * One connection from {@code dataSource} per transaction, with auto-commit off, committed or
   * rolled back explicitly, then closed (returned to the pool).
   */
  static LocalTransactions jdbc(DataSource dataSource) {
    return new JdbcTransactions(dataSource);
  }
}
