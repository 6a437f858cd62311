package io.halfmsg.compose;

import io.halfmsg.process.OwnDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The official mysql image, played by a MariaDB server of the test's own ({@link OwnDatabase}), on
 * an empty data directory as {@code docker compose up} first starts it:
 *
 * <ul>
 *   <li>the service's command line options go to the server, as the image's entrypoint passes them
 *       to mysqld;
 *   <li>{@code MYSQL_ROOT_PASSWORD} becomes root's password as the entrypoint sets it — for
 *       root@localhost and a new root@'%' with every right, and no other root account (MariaDB's
 *       installer makes root@127.0.0.1, root@::1 and root@HOSTNAME too) — as far as MariaDB allows:
 *       with mysql_native_password, since MariaDB has no caching_sha2_password;
 *   <li>then every {@code *.sql} of the directory mounted at {@code /docker-entrypoint-initdb.d},
 *       in name order, through the command-line client as root, the first error ending it — before
 *       the service counts as started, as the image serves only after its initialization.
 * </ul>
 *
 * Whatever else the image would read — its other variables, {@code *.sh} and compressed scripts,
 * other mounts — is not modelled, and refused rather than ignored.
 */
final class MySqlStandIn {

  private static final String INIT_DIR = "/docker-entrypoint-initdb.d";
  private static final String DATA_DIR = "/var/lib/mysql";
  private static final int MYSQLD_PORT = 3306;
  private static final Set<String> MODELLED = Set.of("MYSQL_ROOT_PASSWORD");

  private MySqlStandIn() {}

  static StackService service(ComposeFile.Service s, LocalTranslation translation) {
    for (String variable : s.environment().keySet()) {
      if (!MODELLED.contains(variable)) {
        throw new IllegalArgumentException(
            s.name() + ": " + variable + " of the mysql image is not modelled " + MODELLED);
      }
    }
    String rootPassword = s.environment().get("MYSQL_ROOT_PASSWORD");
    if (rootPassword == null || rootPassword.isEmpty()) {
      throw new IllegalArgumentException(
          s.name()
              + ": the mysql image does not initialize without MYSQL_ROOT_PASSWORD (or"
              + " MYSQL_ALLOW_EMPTY_PASSWORD / MYSQL_RANDOM_ROOT_PASSWORD, not modelled)");
    }
    for (ComposeFile.Volume v : s.volumes()) {
      boolean initScripts = v.target().equals(INIT_DIR) && v.bind();
      boolean data = v.target().equals(DATA_DIR) && !v.bind();
      if (!initScripts && !data) {
        throw new IllegalArgumentException(
            s.name() + ": the mount at " + v.target() + " is not modelled");
      }
    }
    List<String> options = new ArrayList<>();
    List<String> command = s.command() == null ? List.of() : s.command();
    for (int i = 0; i < command.size(); i++) {
      String word = translation.text(s.name(), command.get(i));
      if (i == 0 && word.equals("mysqld")) {
        continue;
      }
      if (!word.startsWith("-")) {
        throw new IllegalArgumentException(
            s.name() + ": the mysql image runs '" + word + "' instead of mysqld: not modelled");
      }
      options.add(word);
    }
    Path dir = translation.directory(s.name());
    Map<String, String> env = translation.environment(s.name(), s.environment());
    OwnDatabase db =
        OwnDatabase.install(dir, translation.port(s.name(), MYSQLD_PORT), options, env);
    Map<String, String> probeEnv = new LinkedHashMap<>(env);
    probeEnv.putAll(translation.mysqlClientEnvironment(s.name()));
    return new StackService(
        s.name(),
        db.server(),
        () -> {
          db.server().awaitReady(Duration.ofMinutes(1));
          initialize(s.name(), db, rootPassword, translation);
        },
        s.healthcheck(),
        probeEnv,
        translation);
  }

  private static void initialize(
      String name, OwnDatabase db, String rootPassword, LocalTranslation translation) {
    try (Connection c = db.connect()) {
      List<String> otherRootHosts = new ArrayList<>();
      try (PreparedStatement q =
              c.prepareStatement(
                  "SELECT host FROM mysql.user WHERE user = 'root' AND host <> 'localhost'");
          ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          otherRootHosts.add(rs.getString(1));
        }
      }
      // Connector/J binds these on the client, so that account statements take parameters.
      for (String host : otherRootHosts) {
        update(c, "DROP USER 'root'@?", host);
      }
      update(c, "CREATE USER 'root'@'%' IDENTIFIED BY ?", rootPassword);
      update(c, "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION");
      update(c, "ALTER USER 'root'@'localhost' IDENTIFIED BY ?", rootPassword);
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": setting root's password failed", e);
    }
    db.useRootPassword(rootPassword);
    if (!translation.hasFile(name, INIT_DIR)) {
      return;
    }
    Path scripts = translation.file(name, INIT_DIR);
    List<Path> files;
    try (Stream<Path> listing = Files.list(scripts)) {
      files = listing.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : files) {
      String fileName = file.getFileName().toString();
      if (fileName.endsWith(".sql")) {
        runScript(name, db, file);
      } else if (fileName.endsWith(".sh") || fileName.matches(".*\\.sql\\.(gz|xz|zst)$")) {
        throw new IllegalArgumentException(
            name + ": " + INIT_DIR + "/" + fileName + " would run in the image: not modelled");
      }
      // The image ignores every other file too.
    }
  }

  private static void runScript(String name, OwnDatabase db, Path script) {
    ProcessBuilder client = db.client();
    client.command().add("--comments");
    client.redirectInput(script.toFile()).redirectErrorStream(true);
    try {
      Process p = client.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(
            name + ": init script " + script.getFileName() + " failed: " + output.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void update(Connection c, String sql, String... parameters) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setString(i + 1, parameters[i]);
      }
      s.executeUpdate();
    }
  }
}
