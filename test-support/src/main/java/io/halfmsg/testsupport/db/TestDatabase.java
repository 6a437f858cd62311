package io.halfmsg.testsupport.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh, empty database on the real MySQL/MariaDB server for one test class, dropped afterwards.
 *
 * <p>Register it as a static field so that Spring's {@code @DynamicPropertySource} can read it:
 *
 * <pre>{@code
 * @RegisterExtension static TestDatabase db = new TestDatabase();
 *
 * @DynamicPropertySource
 * static void datasource(DynamicPropertyRegistry registry) { db.registerSpringProperties(registry::add); }
 * }</pre>
 *
 * <p>The server comes from {@code HALFMSG_TEST_DB_URL} (a JDBC URL without a database, default
 * {@code jdbc:mysql://127.0.0.1:3306/}), {@code HALFMSG_TEST_DB_USER} (default {@code root}) and
 * {@code HALFMSG_TEST_DB_PASSWORD} (default empty). Connections use a non-UTC session time zone on
 * purpose, so that code relying on the session zone fails in tests instead of in production.
 */
public final class TestDatabase implements AfterAllCallback {

  /** The session time zone every test connection uses; deliberately not UTC. */
  public static final String SESSION_TIME_ZONE = "-08:00";

  private final String serverUrl;
  private final String user;
  private final String password;
  private String name;

  public TestDatabase() {
    this(System.getenv());
  }

  TestDatabase(Map<String, String> env) {
    String url = env.getOrDefault("HALFMSG_TEST_DB_URL", "jdbc:mysql://127.0.0.1:3306/");
    this.serverUrl = url.endsWith("/") ? url : url + "/";
    this.user = env.getOrDefault("HALFMSG_TEST_DB_USER", "root");
    this.password = env.getOrDefault("HALFMSG_TEST_DB_PASSWORD", "");
  }

  /** The JDBC URL of this test's database; the database is created on first use. */
  public synchronized String jdbcUrl() {
    if (name == null) {
      String candidate =
          "hm_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      execute("CREATE DATABASE " + candidate + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
      name = candidate;
    }
    return serverUrl
        + name
        + "?sessionVariables=time_zone='"
        + SESSION_TIME_ZONE
        + "'&rewriteBatchedStatements=true";
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** The database's name, e.g. for a second application context on the same database. */
  public synchronized String name() {
    jdbcUrl();
    return name;
  }

  /** Hands the datasource properties to a property sink such as {@code registry::add}. */
  public void registerSpringProperties(PropertySink sink) {
    sink.add("spring.datasource.url", this::jdbcUrl);
    sink.add("spring.datasource.username", this::user);
    sink.add("spring.datasource.password", this::password);
  }

  /** Opens a plain JDBC connection to this test's database, for assertions. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), user, password);
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (name != null) {
      execute("DROP DATABASE IF EXISTS " + name);
      name = null;
    }
  }

  private void execute(String ddl) {
    // The database name is generated above, never taken from input.
    try (Connection c = DriverManager.getConnection(serverUrl, user, password);
        Statement s = c.createStatement()) {
      s.execute(ddl);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot reach the test database server at "
              + serverUrl
              + " as "
              + user
              + " ("
              + e.getMessage()
              + "). Start MariaDB/MySQL or set HALFMSG_TEST_DB_URL; scripts/test.sh provisions it.",
          e);
    }
  }

  /** Where {@link #registerSpringProperties} puts the properties. */
  @FunctionalInterface
  public interface PropertySink {
    void add(String name, java.util.function.Supplier<Object> value);
  }
}
