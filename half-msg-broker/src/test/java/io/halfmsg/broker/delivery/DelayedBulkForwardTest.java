package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.jdbc.ListSql;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * 100,000 delayed messages due at the same second are all forwarded, in claims the scanner bounds:
 * however many are due, one instance never holds more than {@code 2 × concurrency} of them (the
 * memory it needs does not grow with the backlog). The rows are written straight into the store
 * (the prepare and commit paths are tested elsewhere); default delivery settings. Not a timing
 * benchmark: how fast they go is BENCHMARKS.md's business.
 */
@BrokerTest(properties = "halfmsg.check-back.first-check-after=1h")
class DelayedBulkForwardTest {

  private static final int MESSAGES = 100_000;
  private static final int ROWS_PER_INSERT = 1000;
  private static final String TOPIC = "bulk_delayed";

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @Autowired ForwardRecoveryScanner scanner;
  @Autowired DeliveryProperties delivery;

  @Test
  void aHundredThousandMessagesDueAtOneSecondAreForwardedInBoundedClaims() throws Exception {
    mq.instance().createTopic(TOPIC);
    Instant due = Instant.now().plusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
    insertHeld(due);
    assertThat(Instant.now()).as("all written before they are due").isBefore(due);

    AtomicInteger mostInFlight = new AtomicInteger();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                mostInFlight.accumulateAndGet(scanner.inFlight(), Math::max);
                LockSupport.parkNanos(1_000_000);
              }
            },
            "in-flight-sampler");
    sampler.setDaemon(true);
    sampler.start();
    try {
      await("all forwarded")
          .atMost(Duration.ofMinutes(8))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> count("state = 'FORWARDED'") == MESSAGES);
    } finally {
      sampler.interrupt();
    }

    assertThat(mostInFlight.get())
        .as("claimed and unprocessed at once, at most")
        .isPositive()
        .isLessThanOrEqualTo(2 * delivery.concurrency());
    assertThat(earliestForward()).as("none before its time").isAfterOrEqualTo(due);
  }

  /** COMMITTED rows held until {@code due}, as a commit before that time leaves them. */
  private static void insertHeld(Instant due) throws Exception {
    // As the broker writes times: UTC text, whatever the session's time zone.
    String dueAt = ListSql.instantText(due);
    String now = ListSql.instantText(Instant.now());
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO hm_message (message_id, producer_group, topic, body, body_encoding, state,"
                + " check_count, next_check_at, version, created_at, resolved_at, resolved_by,"
                + " deliver_at) VALUES ");
    for (int i = 0; i < ROWS_PER_INSERT; i++) {
      sql.append(i == 0 ? "" : ",")
          .append("(?, 'g', '" + TOPIC + "', 'x', 'utf8', 'COMMITTED', 0, ?, 1, ?, ?,")
          .append(" 'PRODUCER', ?)");
    }
    try (Connection c = db.connect();
        PreparedStatement insert = c.prepareStatement(sql.toString())) {
      for (int from = 0; from < MESSAGES; from += ROWS_PER_INSERT) {
        int p = 1;
        for (int i = 0; i < ROWS_PER_INSERT; i++) {
          insert.setString(p++, "bulk-" + (from + i));
          insert.setString(p++, dueAt);
          insert.setString(p++, now);
          insert.setString(p++, now);
          insert.setString(p++, dueAt);
        }
        insert.executeUpdate();
      }
    }
  }

  private static long count(String condition) throws Exception {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM hm_message WHERE " + condition);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Instant earliestForward() throws Exception {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement("SELECT MIN(forwarded_at) FROM hm_message");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return ListSql.readInstant(rs, 1);
    }
  }
}
