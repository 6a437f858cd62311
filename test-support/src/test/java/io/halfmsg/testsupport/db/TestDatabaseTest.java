package io.halfmsg.testsupport.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class TestDatabaseTest {

  @Test
  void createsAFreshDatabaseWithANonUtcSessionAndDropsIt() throws Exception {
    TestDatabase db = new TestDatabase();
    String name = db.name();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT DATABASE(), @@session.time_zone")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(name);
      assertThat(rs.getString(2)).isEqualTo(TestDatabase.SESSION_TIME_ZONE);
    }

    db.afterAll(null);

    assertThat(databaseExists(db, name)).isFalse();
  }

  private static boolean databaseExists(TestDatabase db, String name) throws SQLException {
    TestDatabase other = new TestDatabase();
    try (Connection c = other.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW DATABASES")) {
      while (rs.next()) {
        if (rs.getString(1).equals(name)) {
          return true;
        }
      }
      return false;
    } finally {
      other.afterAll(null);
    }
  }
}
