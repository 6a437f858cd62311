package io.halfmsg.consumer;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The data source a RocketMQ listener's own JDBC code uses under {@link HalfmsgMQPushConsumer}:
 * while the consumer calls the listener, {@link #getConnection()} on the listener's thread returns
 * the connection of the local transaction that holds the dedupe rows, so the listener's writes
 * commit or roll back with them. Elsewhere it is the wrapped data source.
 *
 * <p>The connection handed out during a call ignores {@code close}, {@code commit}, {@code
 * rollback} and {@code setAutoCommit}: code written for auto-commit, or that commits itself, keeps
 * working, and the consumer alone decides the transaction's outcome.
 */
public final class TransactionBoundDataSource implements DataSource {

  private static final Set<String> OWNED_BY_CONSUMER =
      Set.of("close", "commit", "rollback", "setAutoCommit");

  private final DataSource target;
  private final ThreadLocal<Connection> bound = new ThreadLocal<>();

  TransactionBoundDataSource(DataSource target) {
    this.target = Objects.requireNonNull(target, "dataSource");
  }

  /** The data source this one hands out connections of outside a listener call. */
  public DataSource target() {
    return target;
  }

  <T> T withBound(Connection c, LocalTransactions.Work<T> work) throws Exception {
    Connection previous = bound.get();
    bound.set(c);
    try {
      return work.run(c);
    } finally {
      if (previous == null) {
        bound.remove();
      } else {
        bound.set(previous);
      }
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = bound.get();
    return c != null ? shielded(c) : target.getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    Connection c = bound.get();
    return c != null ? shielded(c) : target.getConnection(username, password);
  }

  private static Connection shielded(Connection c) {
    InvocationHandler h =
        (proxy, method, args) -> {
          String name = method.getName();
          if (OWNED_BY_CONSUMER.contains(name) && method.getDeclaringClass() == Connection.class) {
            return null;
          }
          if ("isClosed".equals(name)) {
            return false;
          }
          try {
            return method.invoke(c, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (Connection)
        Proxy.newProxyInstance(
            TransactionBoundDataSource.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            h);
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || target.isWrapperFor(iface);
  }
}
