package io.halfmsg.broker.checkback;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The check-back's conditional writes on a PREPARED message (see {@link MessageState}): each is
 * written by the caller holding the claimed version, once; a second caller with the same version —
 * another instance whose lease ran out meanwhile — changes nothing.
 */
@BrokerTest(properties = {"halfmsg.check-back.enabled=false", "halfmsg.delivery.enabled=false"})
class CheckBackTransitionsTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Autowired MessageStore store;

  @Test
  void anAnswerResolvesThePreparedMessageOnceForItsVersion() throws SQLException {
    long id = insertPrepared(3);

    assertThat(store.resolveByCheckBack(id, 3, MessageState.COMMITTED, NOW, NOW)).isTrue();
    assertThat(store.resolveByCheckBack(id, 3, MessageState.ROLLED_BACK, NOW, NOW)).isFalse();
    assertThat(stateAndVersion(id)).isEqualTo("COMMITTED/4");
  }

  @Test
  void anotherCheckIsScheduledOnceForItsVersion() throws SQLException {
    long id = insertPrepared(3);

    assertThat(store.scheduleNextCheck(id, 3, NOW.plusSeconds(10))).isTrue();
    assertThat(store.scheduleNextCheck(id, 3, NOW.plusSeconds(20))).isFalse();
    assertThat(store.resolveByCheckBack(id, 3, MessageState.COMMITTED, NOW, NOW))
        .as("an answer for the old version after that")
        .isFalse();
    assertThat(stateAndVersion(id)).isEqualTo("PREPARED/4");
  }

  @Test
  void aMessageIsParkedOnceForItsVersion() throws SQLException {
    long id = insertPrepared(3);

    assertThat(store.park(id, 3)).isTrue();
    assertThat(store.park(id, 3)).isFalse();
    assertThat(store.resolveByCheckBack(id, 3, MessageState.COMMITTED, NOW, NOW)).isFalse();
    assertThat(stateAndVersion(id)).isEqualTo("PARKED/4");
  }

  private long insertPrepared(int version) throws SQLException {
    return MessageRows.insert(
        db, UUID.randomUUID().toString(), "PREPARED", version, "2000-01-01 00:00:00");
  }

  private String stateAndVersion(long id) throws SQLException {
    return MessageRows.column(db, id, "state") + "/" + MessageRows.column(db, id, "version");
  }
}
