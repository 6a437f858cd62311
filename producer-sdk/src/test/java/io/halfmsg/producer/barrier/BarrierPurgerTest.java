package io.halfmsg.producer.barrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.halfmsg.api.MessageIds;
import io.halfmsg.producer.testing.ProducerDatabase;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.time.MutableClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Old barrier rows go, in batches; rows within the retention stay. On the real MariaDB. */
class BarrierPurgerTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  static ProducerDatabase app;
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T12:00:00Z"));

  @BeforeAll
  static void setUp() throws SQLException {
    app = new ProducerDatabase(db);
  }

  @AfterAll
  static void tearDown() {
    app.close();
  }

  @Test
  void rowsOlderThanTheRetentionAreDeletedInBatchesAndNewerOnesStay() throws Exception {
    BarrierTable table = tableAt("purge_batches", clock);
    List<String> old = writeRows(table, BarrierPurger.BATCH + 5);
    clock.advance(Duration.ofDays(6));
    List<String> recent = writeRows(table, 3);
    clock.advance(Duration.ofDays(1).plusMinutes(1));

    BarrierPurger purger =
        new BarrierPurger(app.dataSource(), table, Duration.ofDays(7), Duration.ofHours(1), clock);

    assertThat(purger.purgeNow()).isEqualTo(old.size());
    assertThat(rows(table)).isEqualTo(recent.size());
    assertThat(purger.purgeNow()).as("nothing more is old enough").isZero();
  }

  @Test
  void startedItPurgesEveryIntervalUntilClosed() throws Exception {
    BarrierTable table = tableAt("purge_scheduled", clock);
    writeRows(table, 4);
    clock.advance(Duration.ofDays(8));

    try (BarrierPurger purger =
        new BarrierPurger(app.dataSource(), table, Duration.ofDays(7), Duration.ofMillis(50), clock)
            .start()) {
      await().until(() -> rows(table) == 0);
      // Written now, old after the clock moves on: a later run of the schedule deletes them.
      writeRows(table, 2);
      clock.advance(Duration.ofDays(8));
      await().until(() -> rows(table) == 0);
      assertThatThrownBy(purger::start).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void retentionAndIntervalMustBePositive() {
    BarrierTable table = new BarrierTable();
    assertThatThrownBy(
            () ->
                new BarrierPurger(
                    app.dataSource(), table, Duration.ZERO, Duration.ofHours(1), clock))
        .hasMessageContaining("retention");
    assertThatThrownBy(
            () ->
                new BarrierPurger(
                    app.dataSource(), table, Duration.ofDays(7), Duration.ofSeconds(-1), clock))
        .hasMessageContaining("interval");
  }

  private static BarrierTable tableAt(String name, MutableClock clock) throws SQLException {
    BarrierTable table = new BarrierTable(name, clock);
    table.create(app.dataSource());
    return table;
  }

  private static List<String> writeRows(BarrierTable table, int n) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = app.dataSource().getConnection()) {
      for (int i = 0; i < n; i++) {
        String id = MessageIds.newId();
        table.insert(c, id);
        ids.add(id);
      }
    }
    return ids;
  }

  private static int rows(BarrierTable table) throws SQLException {
    try (Connection c = app.dataSource().getConnection();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*) FROM " + table.name())) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
