package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.api.AckRequest;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A redelivery is counted even when the consumer's ack arrives before the scanner records the send:
 * a fast consumer acks within milliseconds of RocketMQ's delivery. The lease still guards the
 * count: a delivery another instance claimed since is not counted twice.
 */
@BrokerTest(properties = {"halfmsg.check-back.enabled=false", "halfmsg.delivery.enabled=false"})
class AttemptAccountingTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Autowired DeliveryMapper mapper;
  @Autowired DeliveryBatchSql deliveries;
  @Autowired TransactionTemplate transaction;

  @Test
  void aSendAckedBeforeItIsRecordedIsCounted() throws SQLException {
    String messageId = UUID.randomUUID().toString();
    long id = MessageRows.insertDelivery(db, messageId, "g", "PENDING", 1, "2000-01-01 00:00:00");
    DueDelivery claimed = claim(id);

    assertThat(deliveries.ack(List.of(new AckRequest(messageId, "g")), NOW)).isEqualTo(1);
    assertThat(mapper.recordAttempt(id, claimed.version(), NOW.plusSeconds(60), null)).isEqualTo(1);

    assertThat(delivery(id, "attempts")).isEqualTo("2");
    assertThat(delivery(id, "state")).isEqualTo("ACKED");
  }

  @Test
  void aSendOfADeliveryClaimedByAnotherInstanceSinceIsNotCounted() throws SQLException {
    String messageId = UUID.randomUUID().toString();
    long id = MessageRows.insertDelivery(db, messageId, "g", "PENDING", 1, "2000-01-01 00:00:00");
    DueDelivery claimed = claim(id);
    // The lease ran out and another instance claimed it: its lease extension moves the version.
    mapper.extendDeliveryLease(List.of(id), NOW.plusSeconds(60));

    assertThat(mapper.recordAttempt(id, claimed.version(), NOW.plusSeconds(60), null)).isZero();
    assertThat(delivery(id, "attempts")).isEqualTo("1");
  }

  /** What the redelivery scanner's claim does: lock the due row, then extend its lease. */
  private DueDelivery claim(long id) {
    return transaction.execute(
        status -> {
          DueDelivery d =
              mapper.lockDueDeliveries(NOW, 1_000).stream()
                  .filter(due -> due.id() == id)
                  .findFirst()
                  .orElseThrow();
          mapper.extendDeliveryLease(List.of(id), NOW.plusSeconds(60));
          return d;
        });
  }

  private static String delivery(long id, String column) throws SQLException {
    // The column name comes from the tests themselves, never from input.
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT " + column + " FROM hm_delivery WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
