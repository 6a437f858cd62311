package io.halfmsg.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The run's two databases on the local server, created at the start and dropped at the end: one for
 * the halfmsg broker, one for "the application" (orders, stock, the dedupe and barrier tables).
 * Names are generated here, never taken from input, so they can go into DDL as they are.
 */
final class BenchDatabases implements AutoCloseable {

  private final String serverUrl;
  private final String user;
  private final String password;
  private final String broker;
  private final String app;
  private final Thread dropOnExit = new Thread(this::drop, "bench-drop-databases");

  BenchDatabases(BenchSettings s) {
    this.serverUrl = s.jdbcServer().endsWith("/") ? s.jdbcServer() : s.jdbcServer() + "/";
    this.user = s.dbUser();
    this.password = s.dbPassword();
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    this.broker = "hm_bench_broker_" + suffix;
    this.app = "hm_bench_app_" + suffix;
    execute("CREATE DATABASE " + broker + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    execute("CREATE DATABASE " + app + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    // A run stopped by a signal does not get to close(); the shared server keeps no leftovers.
    Runtime.getRuntime().addShutdownHook(dropOnExit);
  }

  String brokerUrl() {
    return url(broker);
  }

  String appUrl() {
    return url(app);
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /** {@code max_connections} and how many connections are open now (other users included). */
  int[] connectionBudget() {
    try (Connection c = DriverManager.getConnection(serverUrl, user, password);
        Statement s = c.createStatement();
        ResultSet max = s.executeQuery("SELECT @@max_connections")) {
      max.next();
      int limit = max.getInt(1);
      try (ResultSet now = s.executeQuery("SHOW STATUS LIKE 'Threads_connected'")) {
        now.next();
        return new int[] {limit, now.getInt(2)};
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private String url(String database) {
    // No session settings: the broker and the SDKs write their DATETIME(6) values in UTC from the
    // application's clock, whatever the session's zone.
    return serverUrl + database;
  }

  private void execute(String ddl) {
    try (Connection c = DriverManager.getConnection(serverUrl, user, password);
        Statement s = c.createStatement()) {
      s.execute(ddl);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot reach the database server at "
              + serverUrl
              + " as "
              + user
              + " ("
              + e.getMessage()
              + "); set -Dbench.db.url / bench.db.user / bench.db.password",
          e);
    }
  }

  @Override
  public void close() {
    drop();
    try {
      Runtime.getRuntime().removeShutdownHook(dropOnExit);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook runs anyway; dropping twice is harmless.
    }
  }

  private void drop() {
    execute("DROP DATABASE IF EXISTS " + broker);
    execute("DROP DATABASE IF EXISTS " + app);
  }
}
