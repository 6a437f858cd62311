package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A state change and the history line that explains it commit together: when the history cannot be
 * written, an operator's replay changes nothing (it used to leave the delivery PENDING with no line
 * saying who replayed it, while the operator was told it failed).
 */
@BrokerTest(properties = {"halfmsg.check-back.enabled=false", "halfmsg.delivery.enabled=false"})
class HistoryInTransactionTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;

  @Test
  void aReplayWhoseHistoryCannotBeWrittenChangesNothing() throws SQLException {
    String messageId = UUID.randomUUID().toString();
    insertDeadDelivery(messageId, "cg");
    BrokerClient admin = new BrokerClient(port, BrokerClient.ADMIN_TOKEN);
    String replay =
        BrokerClient.json(Map.of("messageId", messageId, "consumerGroup", "cg", "reason", "test"));

    execute("RENAME TABLE hm_message_event TO hm_message_event_away");
    try {
      assertThat(admin.post("/api/v1/deliveries/replay", replay).status())
          .isGreaterThanOrEqualTo(500);
      assertThat(deliveryState(messageId)).isEqualTo("DEAD");
    } finally {
      execute("RENAME TABLE hm_message_event_away TO hm_message_event");
    }

    assertThat(admin.post("/api/v1/deliveries/replay", replay).status()).isEqualTo(200);
    assertThat(deliveryState(messageId)).isEqualTo("PENDING");
  }

  private void insertDeadDelivery(String messageId, String group) throws SQLException {
    MessageRows.insert(db, messageId, "FORWARDED", 0, "2030-01-01 00:00:00");
    MessageRows.insertDelivery(db, messageId, group, "DEAD", 16, "2030-01-01 00:00:00");
  }

  private String deliveryState(String messageId) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT state FROM hm_delivery WHERE message_id = ?")) {
      ps.setString(1, messageId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
