package io.halfmsg.broker.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The store's conditional writes that the transition tests of the check-back ({@code
 * CheckBackTransitionsTest}), the operator ({@link OperatorTransitionsTest}), the claims ({@code
 * ClaimTest}) and forward confirmation ({@code ForwardConfirmationTest}) do not hold: each is
 * written once, and a second caller changes nothing (see the table on {@link MessageState}).
 */
@BrokerTest(
    properties = {
      "halfmsg.check-back.enabled=false",
      "halfmsg.delivery.enabled=false",
      "halfmsg.retention-interval=1h"
    })
class MessageStoreTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Autowired MessageStore store;
  @Autowired TransactionTemplate transaction;

  @Test
  void aPrepareOfATakenIdChangesNothing() {
    String messageId = UUID.randomUUID().toString();
    store.insertPrepared(List.of(prepare(messageId, "first")));

    assertThatThrownBy(() -> store.insertPrepared(List.of(prepare(messageId, "second"))))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(new String(store.find(messageId).orElseThrow().body())).isEqualTo("first");
  }

  @Test
  void aRecoveryRetryIsWrittenOnceForItsVersionAndOnlyWhileCommitted() throws SQLException {
    long committed = insert("COMMITTED", 3);
    long forwarded = insert("FORWARDED", 3);

    assertThat(store.retryForwardAt(committed, 3, NOW.plusSeconds(1))).isTrue();
    assertThat(store.retryForwardAt(committed, 3, NOW.plusSeconds(2))).isFalse();
    assertThat(store.retryForwardAt(forwarded, 3, NOW.plusSeconds(1))).isFalse();
    assertThat(MessageRows.column(db, committed, "version")).isEqualTo("4");
    assertThat(MessageRows.column(db, committed, "next_check_at"))
        .startsWith("2026-01-01 00:00:01");
    assertThat(MessageRows.column(db, forwarded, "version")).isEqualTo("3");
  }

  @Test
  void aFailedFastPathSendBringsAMessageForwardButNeverLater() throws SQLException {
    long id = insert("COMMITTED", 1);

    assertThat(store.dueSooner(List.of(id), NOW.plusSeconds(1))).isEqualTo(1);
    assertThat(store.dueSooner(List.of(id), NOW.plusSeconds(1))).isZero();
    assertThat(store.dueSooner(List.of(id), NOW.plusSeconds(5))).isZero();
    assertThat(MessageRows.column(db, id, "next_check_at")).startsWith("2026-01-01 00:00:01");
  }

  @Test
  void anAckedMessageIsConfirmedForwardedOnce() throws SQLException {
    long id = insert("COMMITTED", 1);
    String messageId = MessageRows.column(db, id, "message_id");

    assertThat(store.confirmForwardedByMessageId(List.of(messageId), NOW, NOW.plusSeconds(60)))
        .isEqualTo(1);
    assertThat(
            store.confirmForwardedByMessageId(
                List.of(messageId), NOW.plusSeconds(5), NOW.plusSeconds(65)))
        .isZero();
    assertThat(store.confirmForwarded(List.of(id), NOW.plusSeconds(5), NOW.plusSeconds(65)))
        .as("the send's confirmation after the ack's")
        .isZero();
    assertThat(MessageRows.column(db, id, "state")).isEqualTo("FORWARDED");
    assertThat(MessageRows.column(db, id, "version")).isEqualTo("2");
    assertThat(MessageRows.column(db, id, "forwarded_at")).startsWith("2026-01-01 00:00:00");
  }

  @Test
  void theRetentionClaimSkipsRowsAnotherTransactionHoldsAndDeletesWhatItLocked()
      throws SQLException {
    long held = insertExpired();
    long free = insertExpired();

    try (Connection other = db.connect()) {
      MessageRows.lock(other, "hm_message", "id", held);

      List<ExpiredMessage> claimed =
          transaction.execute(
              s -> {
                List<ExpiredMessage> expired = store.lockExpired(MessageState.ROLLED_BACK, NOW, 10);
                store.deleteExpired(expired.stream().map(ExpiredMessage::id).toList());
                return expired;
              });

      assertThat(claimed).extracting(ExpiredMessage::id).containsExactly(free);
      other.rollback();
    }
    assertThat(store.findAllByIds(List.of(held, free)))
        .extracting(StoredMessage::id)
        .containsExactly(held);
  }

  private static GroupCommit.Prepare prepare(String messageId, String body) {
    return new GroupCommit.Prepare(
        new NewMessage(
            messageId,
            "g",
            "t",
            null,
            null,
            body.getBytes(),
            "utf8",
            Map.of(),
            null,
            null,
            null,
            null),
        NOW,
        NOW.plusSeconds(5),
        new CompletableFuture<>());
  }

  /** A message not due before 2030. */
  private long insert(String state, int version) throws SQLException {
    return MessageRows.insert(
        db, UUID.randomUUID().toString(), state, version, "2030-01-01 00:00:00");
  }

  /** A rolled-back message whose retention ran out long ago. */
  private long insertExpired() throws SQLException {
    return MessageRows.insert(
        db, UUID.randomUUID().toString(), "ROLLED_BACK", 1, "2000-01-01 00:00:00");
  }
}
