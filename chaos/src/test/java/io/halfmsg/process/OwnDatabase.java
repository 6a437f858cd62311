package io.halfmsg.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A MariaDB server of a test's own — its data directory under the test's output, a port of its own
 * — so that the test can kill and restart the database, or configure it as it likes, without
 * touching the machine's server. Made with {@code mariadb-install-db} and run as {@code mariadbd},
 * both from the machine's MariaDB installation (scripts/test.sh installs it). root has no password
 * until {@link #useRootPassword} says otherwise; it listens on loopback only.
 */
public final class OwnDatabase implements AutoCloseable {

  /** The account the chaos run's services use; its password is one no log may show. */
  public static final String USER = "halfmsg";

  private final String password = "chaos-db-" + java.util.UUID.randomUUID();
  private final int port;
  private final ChildService server;
  private volatile String rootPassword = "";

  private OwnDatabase(
      int port, Path dir, List<String> serverOptions, Map<String, String> environment) {
    this.port = port;
    List<String> command =
        new ArrayList<>(
            List.of(
                binary("mariadbd"),
                "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"),
                "--user=" + System.getProperty("user.name")));
    command.addAll(serverOptions);
    BooleanSupplier ready =
        () -> {
          try (Connection c = connect()) {
            return c.isValid(1);
          } catch (SQLException e) {
            return false;
          }
        };
    Path log = dir.resolve("mariadb.log");
    this.server =
        environment == null
            ? new ChildService("mariadb", command, log, ready)
            : ChildService.isolated("mariadb", command, environment, dir, log, ready);
  }

  /**
   * Makes the data directory; {@link #server()} then starts the server.
   *
   * @param serverOptions further options of {@code mariadbd}, e.g. {@code --max-connections=400}
   */
  public static OwnDatabase install(Path dir, int port, List<String> serverOptions) {
    return install(dir, port, serverOptions, null);
  }

  /**
   * As {@link #install(Path, int, List)}, with a server that sees only this environment.
   *
   * @param environment null: the test JVM's
   */
  public static OwnDatabase install(
      Path dir, int port, List<String> serverOptions, Map<String, String> environment) {
    run(
        dir.resolve("install.log"),
        List.of(
            binary("mariadb-install-db"),
            "--no-defaults",
            "--datadir=" + dir.resolve("data"),
            "--user=" + System.getProperty("user.name"),
            "--auth-root-authentication-method=normal",
            "--skip-test-db"));
    return new OwnDatabase(port, dir, serverOptions, environment);
  }

  public ChildService server() {
    return server;
  }

  public int port() {
    return port;
  }

  /** A JDBC URL of one database on this server, for the services under test. */
  public String url(String database) {
    return "jdbc:mysql://127.0.0.1:" + port + "/" + database;
  }

  /** A connection as root, for the test's own checks and set-up. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url(""), "root", rootPassword);
  }

  /** The password root has now (set by the caller over {@link #connect()}). */
  public void useRootPassword(String password) {
    this.rootPassword = password;
  }

  /**
   * The {@code mariadb} command-line client, connected as root over TCP; the password goes through
   * the environment, never the command line.
   */
  public ProcessBuilder client() {
    ProcessBuilder builder =
        new ProcessBuilder(
            binary("mariadb"),
            "--no-defaults",
            "--protocol=TCP",
            "--host=127.0.0.1",
            "--port=" + port,
            "--user=root");
    builder.environment().put("MYSQL_PWD", rootPassword);
    return builder;
  }

  /** The databases, and the chaos services' account with every right on them. */
  public void createDatabases(String... names) throws SQLException {
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

  public String password() {
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
          "Cannot run " + command.get(0) + " (the test needs MariaDB's server binaries)", e);
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
