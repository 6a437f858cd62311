package io.halfmsg.broker.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An operator's decision on a PARKED message (see {@link MessageState}): written once, while the
 * message is PARKED; a second operator, or one too late after a producer's or a check-back's
 * decision, changes nothing.
 */
@BrokerTest(properties = {"halfmsg.check-back.enabled=false", "halfmsg.delivery.enabled=false"})
class OperatorTransitionsTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Autowired MessageStore store;

  @Test
  void aParkedMessageIsResolvedByAnOperatorOnce() throws SQLException {
    String messageId = insert("PARKED");

    assertThat(store.resolveParkedByOperator(messageId, MessageState.COMMITTED, NOW, NOW)).isTrue();
    assertThat(store.resolveParkedByOperator(messageId, MessageState.ROLLED_BACK, NOW, NOW))
        .isFalse();
    assertThat(stateOf(messageId)).isEqualTo("COMMITTED");
  }

  @Test
  void anOperatorCannotDecideAMessageThatIsNotParked() throws SQLException {
    for (String state : new String[] {"PREPARED", "COMMITTED", "FORWARDED", "ROLLED_BACK"}) {
      String messageId = insert(state);

      assertThat(store.resolveParkedByOperator(messageId, MessageState.COMMITTED, NOW, NOW))
          .as(state)
          .isFalse();
      assertThat(stateOf(messageId)).isEqualTo(state);
    }
  }

  private final java.util.Map<String, Long> ids = new java.util.HashMap<>();

  private String insert(String state) throws SQLException {
    String messageId = UUID.randomUUID().toString();
    ids.put(messageId, MessageRows.insert(db, messageId, state, 0, "2000-01-01 00:00:00"));
    return messageId;
  }

  private String stateOf(String messageId) throws SQLException {
    return MessageRows.column(db, ids.get(messageId), "state");
  }
}
