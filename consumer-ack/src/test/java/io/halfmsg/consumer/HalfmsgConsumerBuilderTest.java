package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfmsgConsumerBuilderTest {

  /** Nothing here opens a transaction: the consumers are built, never started. */
  private static final LocalTransactions NO_DATABASE =
      new LocalTransactions() {
        @Override
        public <T> T execute(Work<T> work) {
          throw new UnsupportedOperationException("no database in this test");
        }
      };

  @Test
  void aBuilderChangedAfterBuildDoesNotReachTheConsumerBuiltFromIt() throws Exception {
    HalfmsgConsumer.Builder builder =
        HalfmsgConsumer.builder()
            .brokerUrls("http://127.0.0.1:1")
            .namesrvAddr("127.0.0.1:1")
            .consumerGroup("first_group")
            .transactions(NO_DATABASE)
            .subscribe("t1", "*", String.class, (payload, message, connection) -> {});

    try (HalfmsgConsumer consumer = builder.build()) {
      builder.consumerGroup("second_group").brokerUrls("http://127.0.0.1:2");
      try (HalfmsgConsumer other = builder.build()) {
        assertThat(consumer.group()).isEqualTo("first_group");
        assertThat(other.group()).isEqualTo("second_group");
      }
    }
  }
}
