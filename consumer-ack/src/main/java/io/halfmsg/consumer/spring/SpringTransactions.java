package io.halfmsg.consumer.spring;

import io.halfmsg.consumer.LocalTransactions;
import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transactions of the application's transaction manager: the dedupe insert uses the connection
 * Spring bound to the transaction, so {@code JdbcTemplate} or MyBatis work in the listener joins
 * it.
 */
public final class SpringTransactions implements LocalTransactions {

  private final TransactionTemplate template;
  private final DataSource dataSource;

  public SpringTransactions(PlatformTransactionManager transactionManager, DataSource dataSource) {
    if (transactionManager instanceof DataSourceTransactionManager dstm
        && dstm.getDataSource() != dataSource) {
      throw new IllegalStateException(
          "The transaction manager manages another DataSource than the one halfmsg consumers"
              + " use; the dedupe row and the listener's writes would not share a transaction");
    }
    this.template = new TransactionTemplate(transactionManager);
    this.template.setName("halfmsg-consumer");
    this.dataSource = dataSource;
  }

  @Override
  public <T> T execute(Work<T> work) throws Exception {
    try {
      return template.execute(
          status -> {
            Connection c = DataSourceUtils.getConnection(dataSource);
            try {
              return work.run(c);
            } catch (RuntimeException | Error e) {
              throw e;
            } catch (Exception e) {
              // Checked exceptions must leave the callback as unchecked to roll back.
              throw new CheckedFailure(e);
            } finally {
              DataSourceUtils.releaseConnection(c, dataSource);
            }
          });
    } catch (CheckedFailure e) {
      throw (Exception) e.getCause();
    }
  }

  private static final class CheckedFailure extends RuntimeException {
    CheckedFailure(Exception cause) {
      super(cause);
    }
  }
}
