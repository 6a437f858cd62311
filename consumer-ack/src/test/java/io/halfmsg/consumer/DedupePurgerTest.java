package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.time.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Old dedupe rows of the group go, in batches; other groups' and recent rows stay. MariaDB. */
class DedupePurgerTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();
  static HikariDataSource dataSource;
  static final DedupeTable table = new DedupeTable(DedupeTable.DEFAULT_NAME);

  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));

  @BeforeAll
  static void schema() throws SQLException {
    dataSource = TestStack.dataSource(db);
    try (Connection c = dataSource.getConnection()) {
      table.create(c);
    }
  }

  @AfterAll
  static void closePool() {
    dataSource.close();
  }

  @Test
  void onlyTheGroupsRowsOlderThanTheRetentionAreDeleted() throws Exception {
    consume("batch-group", DedupePurger.BATCH + 7);
    consume("other-group", 3);
    clock.advance(Duration.ofDays(20));
    consume("batch-group", 2);
    clock.advance(Duration.ofDays(10).plusSeconds(1));

    DedupePurger purger = purger("batch-group", Duration.ofDays(30), Duration.ofHours(1));

    assertThat(purger.purgeNow()).isEqualTo(DedupePurger.BATCH + 7);
    assertThat(rows("batch-group")).isEqualTo(2);
    assertThat(rows("other-group")).as("another group's rows").isEqualTo(3);
  }

  @Test
  void aConsumerWithARetentionPurgesWhileItRunsAndNotOtherwise() throws Exception {
    consume("scheduled-group", 5);
    clock.advance(Duration.ofDays(2));

    try (DedupePurger purger =
        purger("scheduled-group", Duration.ofDays(1), Duration.ofMillis(50))) {
      purger.start();
      await().until(() -> rows("scheduled-group") == 0);
    }
    assertThatThrownBy(() -> HalfmsgConsumer.builder().dedupeRetention(Duration.ZERO))
        .hasMessageContaining("dedupeRetention");
    assertThatThrownBy(() -> HalfmsgConsumer.builder().dedupePurgeInterval(Duration.ofSeconds(-1)))
        .hasMessageContaining("dedupePurgeInterval");
  }

  private DedupePurger purger(String group, Duration retention, Duration interval) {
    return new DedupePurger(
        LocalTransactions.jdbc(dataSource), table, group, retention, interval, clock);
  }

  private void consume(String group, int n) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      for (int i = 0; i < n; i++) {
        table.insert(c, group, group + "-" + clock.instant() + "-" + i, clock.instant());
      }
    }
  }

  private static int rows(String group) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM halfmsg_consumed WHERE consumer_group = ?")) {
      ps.setString(1, group);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
