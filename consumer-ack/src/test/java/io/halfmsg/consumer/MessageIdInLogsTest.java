package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.logging.LogCapture;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/**
 * The message id and consumer group are in the MDC wherever a message's delivery is worked on, in
 * the consumer and in the broker: what the handler logs carries them, and so does every halfmsg log
 * line about the message, its forward (with the producer group) and its redelivery included.
 */
class MessageIdInLogsTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static AppDatabase app = new AppDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  static TestStack stack;

  @BeforeAll
  static void start() {
    stack =
        TestStack.start(
            brokerDb, mq.instance(), Map.of("logging.level.io.halfmsg.broker.delivery", "DEBUG"));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theHandlerTheForwardAndTheRedeliveryLogWithTheMessage() {
    String topic = stack.newTopic("logs");
    String group = "g_" + topic;
    List<Map<String, String>> inHandler = new CopyOnWriteArrayList<>();
    // After the broker started: Spring Boot's logging setup would have dropped the appender.
    try (LogCapture logs = LogCapture.start();
        HalfmsgConsumer consumer =
            stack
                .consumer(group)
                .dataSource(app.dataSource())
                .autoCreateDedupeTable(true)
                .ackTimeout(Duration.ofSeconds(1))
                .ackMaxDelay(Duration.ofMillis(10))
                .subscribe(
                    topic,
                    "*",
                    String.class,
                    (payload, message, connection) -> {
                      inHandler.add(MDC.getCopyOfContextMap());
                      if (inHandler.size() == 1) {
                        throw new IllegalStateException("inventory service warming up");
                      }
                    })
                .build()
                .start()) {

      String id = stack.send(topic, "deduct", "{\"product\":\"sku-1\"}");

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> "ACKED".equals(stack.deliveryState(id, group)));
      assertThat(inHandler)
          .hasSize(2)
          .allSatisfy(
              mdc ->
                  assertThat(mdc)
                      .containsEntry(LogContext.MESSAGE_ID, id)
                      .containsEntry(LogContext.CONSUMER_GROUP, group));
      List<ILoggingEvent> about = logs.mentioning(id);
      assertThat(about)
          .extracting(ILoggingEvent::getLoggerName)
          .contains(
              "io.halfmsg.consumer.MessageProcessor",
              "io.halfmsg.broker.delivery.FastPathForwarder",
              "io.halfmsg.broker.delivery.RedeliveryScanner");
      assertThat(about)
          .allSatisfy(
              e ->
                  assertThat(e.getMDCPropertyMap())
                      .as("MDC of %s: %s", e.getLoggerName(), e.getFormattedMessage())
                      .containsEntry(LogContext.MESSAGE_ID, id));
      assertThat(about)
          .filteredOn(e -> e.getLoggerName().endsWith("FastPathForwarder"))
          .allSatisfy(
              e ->
                  assertThat(e.getMDCPropertyMap())
                      .containsEntry(LogContext.PRODUCER_GROUP, "test-producer"));
      assertThat(about)
          .filteredOn(
              e ->
                  e.getLoggerName().endsWith("RedeliveryScanner")
                      || e.getLoggerName().startsWith("io.halfmsg.consumer."))
          .allSatisfy(
              e ->
                  assertThat(e.getMDCPropertyMap())
                      .containsEntry(LogContext.CONSUMER_GROUP, group));
    }
  }
}
