package io.halfmsg.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.testsupport.db.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.logging.LoggingSystemProperty;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With Spring Boot's structured logging switched on, as docs/OPERATIONS.md describes, a log line
 * about a message is a JSON document with the message's id and group as fields.
 */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @Test
  void aParkedMessageIsLoggedAsJsonWithItsIdAndGroup(CapturedOutput output) {
    try (ConfigurableApplicationContext broker =
        BrokerInstances.start(
            db,
            Map.of(
                "logging.structured.format.console", "logstash",
                "halfmsg.check-back.first-check-after", "100ms",
                "halfmsg.check-back.poll-interval", "100ms",
                "halfmsg.check-back.max-checks", "1"))) {
      BrokerClient producer = BrokerInstances.client(broker, BrokerClient.PRODUCER_TOKEN);
      String id =
          producer
              .prepare(
                  Map.of("producerGroup", "logs-group", "topic", "order_created", "body", "{}"))
              .text("messageId");

      // No check-back endpoint is registered: the one check allowed finds none and parks it.
      JsonNode line =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> parkedLine(output.getOut(), id), Optional::isPresent)
              .orElseThrow();
      assertThat(line.path("level").asText()).isEqualTo("WARN");
      assertThat(line.path(LogContext.MESSAGE_ID).asText()).isEqualTo(id);
      assertThat(line.path(LogContext.PRODUCER_GROUP).asText()).isEqualTo("logs-group");
    } finally {
      // Spring Boot hands the format to Logback as a system property and leaves it set: the test
      // classes that start brokers after this one in the JVM would log JSON too.
      System.clearProperty(
          LoggingSystemProperty.CONSOLE_STRUCTURED_FORMAT.getEnvironmentVariableName());
    }
  }

  private static Optional<JsonNode> parkedLine(String out, String messageId) {
    return out.lines()
        .filter(l -> l.startsWith("{") && l.contains("PARKED") && l.contains(messageId))
        .map(StructuredLogsTest::parse)
        .findFirst();
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
