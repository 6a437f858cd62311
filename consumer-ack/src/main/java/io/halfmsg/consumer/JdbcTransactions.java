package io.halfmsg.consumer;

import io.halfmsg.api.jdbc.JdbcTransaction;
import java.util.Objects;
import javax.sql.DataSource;

/** Plain JDBC transactions: auto-commit off, commit or roll back, restore, close. */
final class JdbcTransactions implements LocalTransactions {

  private final DataSource dataSource;

  JdbcTransactions(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public <T> T execute(Work<T> work) throws Exception {
    return JdbcTransaction.run(dataSource, work::run);
  }
}
