package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.broker.message.StoredMessage;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The recovery scanner reads the claimed rows after its claim; a row that became FORWARDED in
 * between (the fast path's confirmation came late) is not sent again. Driven directly, because the
 * window between claim and read is too short to hit by timing.
 */
class ForwardRecoveryRecheckTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  @Test
  void aRowForwardedAfterTheClaimIsNotSentAgain() throws Exception {
    mq.createTopic("t");
    try (ConfigurableApplicationContext broker =
        BrokerInstances.start(
            db,
            Map.of(
                "halfmsg.rocketmq.namesrv-addr",
                mq.namesrvAddr(),
                "halfmsg.delivery.enabled",
                "false"))) {
      long committed =
          MessageRows.insert(
              db, UUID.randomUUID().toString(), "COMMITTED", 3, "2030-01-01 00:00:00");
      long forwarded =
          MessageRows.insert(
              db, UUID.randomUUID().toString(), "FORWARDED", 3, "2030-01-01 00:00:00");
      ForwardRecoveryScanner scanner = broker.getBean(ForwardRecoveryScanner.class);
      List<StoredMessage> read =
          broker.getBean(MessageStore.class).findAllByIds(List.of(committed, forwarded));

      read.forEach(scanner::process);

      // The COMMITTED one was sent and confirmed: the send path works in this setup.
      assertThat(MessageRows.column(db, committed, "state")).isEqualTo("FORWARDED");
      assertThat(MessageRows.column(db, committed, "forwarded_at")).isNotNull();
      // The FORWARDED one was left alone: no send, so no confirmation and no retry bookkeeping.
      assertThat(MessageRows.column(db, forwarded, "forwarded_at")).isNull();
      assertThat(MessageRows.column(db, forwarded, "version")).isEqualTo("3");
      assertThat(MessageRows.column(db, forwarded, "next_check_at")).startsWith("2030-01-01");
    }
  }
}
