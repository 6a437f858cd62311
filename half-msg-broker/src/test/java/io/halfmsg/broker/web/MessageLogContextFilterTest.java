package io.halfmsg.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageLogContextFilterTest {

  private static final String ID = "01a236e3-f12b-787c-b998-def5b2d222df";

  @Test
  void findsTheMessageIdInThePathsAboutOneMessage() {
    assertThat(MessageLogContextFilter.messageIdOf("/api/v1/messages/" + ID + "/commit"))
        .isEqualTo(ID);
    assertThat(MessageLogContextFilter.messageIdOf("/api/v1/messages/" + ID)).isEqualTo(ID);
    assertThat(MessageLogContextFilter.messageIdOf("/console/messages/" + ID + "/resolve"))
        .isEqualTo(ID);
  }

  @Test
  void leavesOtherPathsAndWhatIsNotAnIdOutOfTheLogs() {
    assertThat(MessageLogContextFilter.messageIdOf("/api/v1/messages")).isNull();
    assertThat(MessageLogContextFilter.messageIdOf("/api/v1/messages:batch")).isNull();
    assertThat(MessageLogContextFilter.messageIdOf("/api/v1/acks")).isNull();
    assertThat(MessageLogContextFilter.messageIdOf("/api/v1/messages/a%0Aforged line/commit"))
        .isNull();
  }
}
