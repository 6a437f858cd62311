package io.halfmsg.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.halfmsg.api.MessageState;
import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.TransactionState;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.producer.rocketmq.HalfmsgTransactionMQProducer;
import io.halfmsg.producer.testing.TestBroker;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.logging.LogCapture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/**
 * The message id and producer group are in the MDC wherever a message's producer side is worked on,
 * in the SDK and in the broker: what the local transaction and the checker log carries them, and so
 * does every halfmsg log line about the message, on whichever thread it is written.
 */
class MessageIdInLogsTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();

  static TestBroker broker;

  String group;
  LogCapture logs;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start(brokerDb, Map.of("logging.level.io.halfmsg.broker", "DEBUG"));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void setUp() {
    group = "logs-" + UUID.randomUUID().toString().substring(0, 8);
    // After the broker started: Spring Boot's logging setup would have dropped the appender.
    logs = LogCapture.start();
  }

  @AfterEach
  void tearDown() {
    logs.close();
  }

  HalfmsgProducer producer() {
    return HalfmsgProducer.builder()
        .brokerUrls(broker.url())
        .token(TestBroker.PRODUCER_TOKEN)
        .producerGroup(group)
        .build();
  }

  @Test
  void theLocalTransactionTheCheckBackAndTheBrokerLogWithTheMessage() {
    Map<String, String> inLocalTransaction = new ConcurrentHashMap<>();
    Map<String, String> inChecker = new ConcurrentHashMap<>();
    AtomicInteger checks = new AtomicInteger();
    TransactionChecker checker =
        request -> {
          if (checks.incrementAndGet() == 1) {
            throw new IllegalStateException("order table locked");
          }
          inChecker.putAll(MDC.getCopyOfContextMap());
          return TransactionState.COMMIT;
        };
    MDC.put("traceId", "t-1");
    try (HalfmsgProducer producer = producer();
        CheckBackServer ignored =
            CheckBackServer.builder()
                .host("127.0.0.1")
                .secret(TestBroker.SECRET)
                .checker(checker)
                .start(producer)) {
      SendResult r =
          producer.sendInTransaction(
              Message.of("order_created", "{\"orderNo\":\"o-1\"}"),
              msg -> {
                inLocalTransaction.putAll(MDC.getCopyOfContextMap());
                return TransactionState.UNKNOWN;
              });
      String id = r.messageId();
      broker.awaitState(id, "COMMITTED");

      assertThat(inLocalTransaction)
          .containsEntry(LogContext.MESSAGE_ID, id)
          .containsEntry(LogContext.PRODUCER_GROUP, group)
          .as("the application's own entries stay")
          .containsEntry("traceId", "t-1");
      assertThat(inChecker)
          .containsEntry(LogContext.MESSAGE_ID, id)
          .containsEntry(LogContext.PRODUCER_GROUP, group);
      assertThat(MDC.getCopyOfContextMap())
          .as("the caller's MDC as it was before the send")
          .containsOnlyKeys("traceId");
      await()
          .untilAsserted(
              () ->
                  assertThat(loggers(logs.mentioning(id)))
                      .as("the checker's failure and the broker's check-back answers")
                      .contains(
                          "io.halfmsg.producer.CheckBackHandler",
                          "io.halfmsg.broker.checkback.CheckBackOutcomes"));
      assertAllCarry(id, group);
    } finally {
      MDC.remove("traceId");
    }
  }

  @Test
  void aRefusedDecisionIsLoggedWithItsMessageOnTheSendersThread() {
    try (HalfmsgProducer producer = producer();
        CheckBackServer ignored =
            CheckBackServer.builder()
                .host("127.0.0.1")
                .secret(TestBroker.SECRET)
                .checker(request -> TransactionState.ROLLBACK)
                .start(producer)) {
      SendResult r =
          producer.sendInTransaction(
              Message.of("order_created", "{\"orderNo\":\"o-2\"}"),
              msg -> {
                // A checker that answers before the local transaction ends, wrongly.
                broker.awaitState(msg.messageId(), "ROLLED_BACK");
                return TransactionState.COMMIT;
              });

      assertThat(r.confirmation().toCompletableFuture().join()).isEqualTo(MessageState.ROLLED_BACK);
      assertThat(loggers(logs.mentioning(r.messageId()))).contains("io.halfmsg.producer.Decisions");
      assertAllCarry(r.messageId(), group);
    }
  }

  @Test
  void theRocketMqListenerRunsWithTheMessageInTheMdc() throws Exception {
    Map<String, String> inExecute = new ConcurrentHashMap<>();
    Map<String, String> inCheck = new ConcurrentHashMap<>();
    HalfmsgTransactionMQProducer producer =
        new HalfmsgTransactionMQProducer(
            producer(), CheckBackServer.builder().host("127.0.0.1").secret(TestBroker.SECRET));
    producer.setTransactionListener(
        new TransactionListener() {
          @Override
          public LocalTransactionState executeLocalTransaction(
              org.apache.rocketmq.common.message.Message msg, Object arg) {
            inExecute.putAll(MDC.getCopyOfContextMap());
            return LocalTransactionState.UNKNOW;
          }

          @Override
          public LocalTransactionState checkLocalTransaction(MessageExt msg) {
            inCheck.putAll(MDC.getCopyOfContextMap());
            return LocalTransactionState.COMMIT_MESSAGE;
          }
        });
    producer.start();
    try {
      TransactionSendResult r =
          producer.sendMessageInTransaction(
              new org.apache.rocketmq.common.message.Message(
                  "order_created", "{}".getBytes(StandardCharsets.UTF_8)),
              null);
      broker.awaitState(r.getMsgId(), "COMMITTED");

      assertThat(inExecute)
          .containsEntry(LogContext.MESSAGE_ID, r.getMsgId())
          .containsEntry(LogContext.PRODUCER_GROUP, group);
      assertThat(inCheck)
          .containsEntry(LogContext.MESSAGE_ID, r.getMsgId())
          .containsEntry(LogContext.PRODUCER_GROUP, group);
      assertAllCarry(r.getMsgId(), group);
    } finally {
      producer.shutdown();
    }
  }

  /**
   * Every halfmsg log line that names the message has its id in the MDC, and its group where it is
   * known: everywhere but the broker's answers to a request by id ({@code GET …/messages/{id}}),
   * which know the id from the path only.
   */
  private void assertAllCarry(String messageId, String producerGroup) {
    List<ILoggingEvent> about = logs.mentioning(messageId);
    assertThat(about).isNotEmpty();
    assertThat(about)
        .allSatisfy(
            e -> {
              Map<String, String> mdc = e.getMDCPropertyMap();
              assertThat(mdc)
                  .as("MDC of %s: %s", e.getLoggerName(), e.getFormattedMessage())
                  .containsEntry(LogContext.MESSAGE_ID, messageId);
              if (!e.getLoggerName().endsWith("Mapper.findByMessageId")
                  && !e.getLoggerName().endsWith("Mapper.findLatest")) {
                assertThat(mdc)
                    .as("MDC of %s: %s", e.getLoggerName(), e.getFormattedMessage())
                    .containsEntry(LogContext.PRODUCER_GROUP, producerGroup);
              }
            });
  }

  private static List<String> loggers(List<ILoggingEvent> events) {
    return events.stream().map(ILoggingEvent::getLoggerName).distinct().toList();
  }
}
