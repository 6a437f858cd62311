package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A message is confirmed FORWARDED once: when the fast path and a recovery send both stored it, the
 * second confirmation changes nothing (its first forwarding time stays, it is counted once).
 */
@BrokerTest(properties = {"halfmsg.check-back.enabled=false", "halfmsg.delivery.enabled=false"})
class ForwardConfirmationTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  static final Instant FIRST = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant SECOND = Instant.parse("2026-01-01T00:00:05Z");

  @Autowired MessageStore store;
  @Autowired ForwardConfirmations confirmations;

  @Test
  void aSecondConfirmationChangesNothing() throws SQLException {
    long id = insertCommitted();

    assertThat(store.confirmForwarded(List.of(id), FIRST, FIRST.plusSeconds(60))).isEqualTo(1);
    assertThat(store.confirmForwarded(List.of(id), SECOND, SECOND.plusSeconds(60))).isZero();
    assertThat(forwardedAt(id)).isEqualTo("2026-01-01 00:00:00");
  }

  @Test
  void aForwardedMessageIsNotBroughtForwardForTheRecoveryScanner() throws SQLException {
    long committed = insertCommitted();
    long forwarded = insertCommitted();
    store.confirmForwarded(List.of(forwarded), FIRST, FIRST.plusSeconds(60));

    assertThat(store.dueSooner(List.of(committed, forwarded), FIRST.plusSeconds(1))).isEqualTo(1);
  }

  /**
   * A confirmation that finds the queue closed (RocketMQ's callback arriving while the broker shuts
   * down) or full is written at once, not dropped: a dropped one meant a second send after the
   * lease.
   */
  @Test
  @DirtiesContext(methodMode = DirtiesContext.MethodMode.AFTER_METHOD)
  void aConfirmationTheQueueCannotTakeIsWrittenAtOnce() throws SQLException {
    long id = insertCommitted();
    String messageId = MessageRows.column(db, id, "message_id");
    long acked = insertCommitted();
    confirmations.destroy();

    confirmations.confirm(id);
    confirmations.confirmAcked(List.of(MessageRows.column(db, acked, "message_id")), SECOND);

    assertThat(MessageRows.column(db, id, "state")).as(messageId).isEqualTo("FORWARDED");
    assertThat(MessageRows.column(db, acked, "state")).isEqualTo("FORWARDED");
  }

  private long insertCommitted() throws SQLException {
    return MessageRows.insert(
        db, UUID.randomUUID().toString(), "COMMITTED", 1, "2030-01-01 00:00:00");
  }

  private String forwardedAt(long id) throws SQLException {
    return MessageRows.column(db, id, "DATE_FORMAT(forwarded_at, '%Y-%m-%d %H:%i:%s')");
  }
}
