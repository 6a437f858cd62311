package io.halfmsg.api.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {

  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  void setsTheMessageAndItsGroupAndRemovesThemAfterwards() {
    try (LogContext ignored = LogContext.producer("m-1", "order-service")) {
      assertThat(MDC.get(LogContext.MESSAGE_ID)).isEqualTo("m-1");
      assertThat(MDC.get(LogContext.PRODUCER_GROUP)).isEqualTo("order-service");
      assertThat(MDC.get(LogContext.CONSUMER_GROUP)).isNull();
    }
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test
  void nestedContextsPutBackWhatTheOuterOneSetAndLeaveOtherKeysAlone() {
    MDC.put("messageId", "the application's own");
    try (LogContext outer = LogContext.consumer("m-1", "repo-service")) {
      try (LogContext inner = LogContext.consumer("m-2", "audit")) {
        assertThat(MDC.get(LogContext.MESSAGE_ID)).isEqualTo("m-2");
        assertThat(MDC.get(LogContext.CONSUMER_GROUP)).isEqualTo("audit");
      }
      assertThat(MDC.get(LogContext.MESSAGE_ID)).isEqualTo("m-1");
      assertThat(MDC.get(LogContext.CONSUMER_GROUP)).isEqualTo("repo-service");
    }
    assertThat(MDC.get(LogContext.MESSAGE_ID)).isNull();
    assertThat(MDC.get("messageId")).isEqualTo("the application's own");
  }

  @Test
  void aMissingGroupLeavesNoKey() {
    try (LogContext ignored = LogContext.producer("m-1", null)) {
      assertThat(MDC.get(LogContext.PRODUCER_GROUP)).isNull();
    }
  }
}
