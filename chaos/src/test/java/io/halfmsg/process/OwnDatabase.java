package io.halfmsg.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB server of the chaos run's own — its data directory under the run's output, a port of
 * its own — so that the run can kill and restart the database without touching the machine's
 * server. Made with {@code mariadb-install-db} and run as {@code mariadbd}, both from the machine's
 * MariaDB installation (scripts/test.sh installs it). root has no password; it listens on loopback
 * only.
 */
final class OwnDatabase implements AutoCloseable {

  /** The account the services use; its password is one of the secrets no log may show. */
  static final String USER = "halfmsg";

  private final String password = "chaos-db-" + java.util.UUID.randomUUID();
  private final int port;
  private final ChildService server;

  private OwnDatabase(int port, ChildService server) {
    this.port = port;
    this.server = server;
  }

  static OwnDatabase install(Path dir, int port) {
    Path data = dir.resolve("data");
    run(
        dir.resolve("install.log"),
        List.of(
            binary("mariadb-install-db"),
            "--no-defaults",
            "--datadir=" + data,
            "--user=" + System.getProperty("user.name"),
            "--auth-root-authentication-method=normal",
            "--skip-test-db"));
    List<String> command =
        List.of(
            binary("mariadbd"),
            "--no-defaults",
            "--datadir=" + data,
            "--port=" + port,
            "--bind-address=127.0.0.1",
            "--socket=" + dir.resolve("mysqld.sock"),
            "--pid-file=" + dir.resolve("mysqld.pid"),
            "--user=" + System.getProperty("user.name"),
            "--innodb-buffer-pool-size=256M",
            // Durable commits, as a payment system runs them: a kill -9 of the server loses nothing
            // that was acknowledged.
            "--innodb-flush-log-at-trx-commit=1",
            "--max-connections=400",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_bin");
    String url = "jdbc:mysql://127.0.0.1:" + port + "/";
    ChildService server =
        new ChildService(
            "mariadb",
            command,
            dir.resolve("mariadb.log"),
            () -> {
              try (Connection c = DriverManager.getConnection(url, "root", "")) {
                return c.isValid(1);
              } catch (SQLException e) {
                return false;
              }
            });
    return new OwnDatabase(port, server);
  }

  ChildService server() {
    return server;
  }

  /** A JDBC URL of one database on this server, for the services under test. */
  String url(String database) {
    return "jdbc:mysql://127.0.0.1:" + port + "/" + database;
  }

  /** A connection for the test's own checks. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(url(""), "root", "");
  }

  /** The databases, and the services' account with every right on them. */
  void createDatabases(String... names) throws SQLException {
    try (Connection c = connect();
        var s = c.createStatement()) {
      // Names and the password are this test's own values, never input; DDL takes no parameters.
      s.execute("CREATE USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + password + "'");
      for (String name : names) {
        s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        s.execute("GRANT ALL ON " + name + ".* TO '" + USER + "'@'127.0.0.1'");
      }
    }
  }

  String password() {
    return password;
  }

  /** Debian puts the server in /usr/sbin, which is not on every user's PATH. */
  private static String binary(String name) {
    for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/usr/local/bin"}) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return name;
  }

  private static void run(Path log, List<String> command) {
    try {
      Files.createDirectories(log.getParent());
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed; see " + log + " (is MariaDB installed?)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot run " + command.get(0) + " (the chaos test needs MariaDB's server binaries)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
