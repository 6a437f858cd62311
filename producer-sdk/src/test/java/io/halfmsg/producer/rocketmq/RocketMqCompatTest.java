package io.halfmsg.producer.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.producer.CheckBackServer;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.testing.TestBroker;
import io.halfmsg.testsupport.db.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A producer written for RocketMQ's {@code TransactionMQProducer} runs against halfmsg with only
 * the constructed class changed.
 */
class RocketMqCompatTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();

  static TestBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.withFastCheckBacks(brokerDb);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /**
   * The application's listener, as written for RocketMQ: it remembers each local transaction's
   * outcome by transaction id, and some outcomes are only known by the time the broker asks.
   */
  static final class PaymentListener implements TransactionListener {
    private final AtomicInteger payments = new AtomicInteger();
    private final Map<String, Integer> outcomeByTransaction = new ConcurrentHashMap<>();
    final List<MessageExt> checked = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
      // 0: paid, 1: declined, 2: pending, later paid, 3: pending, later declined.
      int outcome = payments.getAndIncrement() % 4;
      outcomeByTransaction.put(msg.getTransactionId(), outcome);
      return switch (outcome) {
        case 0 -> LocalTransactionState.COMMIT_MESSAGE;
        case 1 -> LocalTransactionState.ROLLBACK_MESSAGE;
        default -> LocalTransactionState.UNKNOW;
      };
    }

    @Override
    public LocalTransactionState checkLocalTransaction(MessageExt msg) {
      checked.add(msg);
      Integer outcome = outcomeByTransaction.get(msg.getTransactionId());
      if (outcome == null) {
        return LocalTransactionState.UNKNOW;
      }
      return outcome == 0 || outcome == 2
          ? LocalTransactionState.COMMIT_MESSAGE
          : LocalTransactionState.ROLLBACK_MESSAGE;
    }
  }

  /** The application's sending code, unchanged from its RocketMQ days. */
  static List<TransactionSendResult> sendPayments(
      TransactionMQProducer producer, TransactionListener listener, int count) throws Exception {
    producer.setNamesrvAddr("127.0.0.1:9876");
    producer.setTransactionListener(listener);
    producer.start();
    List<TransactionSendResult> results = new ArrayList<>();
    String[] tags = {"card", "wallet"};
    for (int i = 0; i < count; i++) {
      Message msg =
          new Message(
              "payment_topic",
              tags[i % tags.length],
              "PAY-" + i,
              ("{\"payment\":" + i + "}").getBytes(StandardCharsets.UTF_8));
      msg.putUserProperty("channel", "app");
      results.add(producer.sendMessageInTransaction(msg, null));
    }
    return results;
  }

  @Test
  void aRocketMqTransactionalProducerRunsAgainstHalfmsg() throws Exception {
    PaymentListener listener = new PaymentListener();
    TransactionMQProducer producer =
        new HalfmsgTransactionMQProducer(
            HalfmsgProducer.builder()
                .brokerUrls(broker.url())
                .token(TestBroker.PRODUCER_TOKEN)
                .producerGroup("payment-service")
                .build(),
            CheckBackServer.builder().host("127.0.0.1").secret(TestBroker.SECRET));

    List<TransactionSendResult> results;
    try {
      results = sendPayments(producer, listener, 8);

      for (int i = 0; i < results.size(); i++) {
        TransactionSendResult r = results.get(i);
        assertThat(r.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        assertThat(r.getTransactionId()).isEqualTo(r.getMsgId());
        switch (i % 4) {
          case 0 -> {
            assertThat(r.getLocalTransactionState())
                .isEqualTo(LocalTransactionState.COMMIT_MESSAGE);
            broker.awaitState(r.getMsgId(), "COMMITTED");
            assertThat(broker.resolvedBy(r.getMsgId())).isEqualTo("PRODUCER");
          }
          case 1 -> {
            assertThat(r.getLocalTransactionState())
                .isEqualTo(LocalTransactionState.ROLLBACK_MESSAGE);
            broker.awaitState(r.getMsgId(), "ROLLED_BACK");
            assertThat(broker.resolvedBy(r.getMsgId())).isEqualTo("PRODUCER");
          }
          case 2 -> {
            assertThat(r.getLocalTransactionState()).isEqualTo(LocalTransactionState.UNKNOW);
            broker.awaitState(r.getMsgId(), "COMMITTED");
            assertThat(broker.resolvedBy(r.getMsgId())).isEqualTo("CHECK_BACK");
          }
          default -> {
            assertThat(r.getLocalTransactionState()).isEqualTo(LocalTransactionState.UNKNOW);
            broker.awaitState(r.getMsgId(), "ROLLED_BACK");
            assertThat(broker.resolvedBy(r.getMsgId())).isEqualTo("CHECK_BACK");
          }
        }
      }
    } finally {
      producer.shutdown();
    }

    JsonNode stored = broker.message(results.get(2).getMsgId());
    assertThat(stored.path("topic").asText()).isEqualTo("payment_topic");
    assertThat(stored.path("tag").asText()).isEqualTo("card");
    assertThat(stored.path("keys").asText()).isEqualTo("PAY-2");
    assertThat(stored.path("body").asText()).isEqualTo("{\"payment\":2}");
    assertThat(stored.path("properties").properties())
        .as("only the user's properties, none of RocketMQ's own")
        .extracting(Map.Entry::getKey)
        .containsExactly("channel");

    MessageExt check =
        listener.checked.stream()
            .filter(m -> m.getTransactionId().equals(results.get(2).getMsgId()))
            .findFirst()
            .orElseThrow();
    assertThat(check.getTopic()).isEqualTo("payment_topic");
    assertThat(check.getTags()).isEqualTo("card");
    assertThat(check.getKeys()).isEqualTo("PAY-2");
    assertThat(check.getUserProperty("channel")).isEqualTo("app");
    assertThat(check.getMsgId()).isEqualTo(results.get(2).getMsgId());
    assertThat(check.getProperty("TRANSACTION_CHECK_TIMES")).isEqualTo("1");
    assertThat(listener.checked)
        .extracting(MessageExt::getTransactionId)
        .as("only undecided messages are checked")
        .doesNotContain(results.get(0).getMsgId(), results.get(1).getMsgId());
  }
}
