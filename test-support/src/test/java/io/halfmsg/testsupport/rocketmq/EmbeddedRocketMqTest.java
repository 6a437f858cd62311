package io.halfmsg.testsupport.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.halfmsg.rocketmq.embedded.EmbeddedRocketMq;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRocketMqTest {

  @Test
  void deliversTagKeysAndPropertiesAndStopsCleanly() throws Exception {
    Set<Thread> threadsBefore = liveNonDaemonThreads();

    long t0 = System.nanoTime();
    EmbeddedRocketMq mq = EmbeddedRocketMq.start();
    long started = System.nanoTime();
    Path dir = mq.baseDir();
    int namesrvPort = port(mq.namesrvAddr());
    int brokerPort = port(mq.brokerAddr());
    MessageExt got;
    try {
      mq.createTopic("orders");
      got = RoundTrip.sendAndReceive(mq.namesrvAddr(), "orders", "hello");
    } finally {
      long stopping = System.nanoTime();
      mq.stop();
      System.out.printf(
          "EmbeddedRocketMq start %d ms, stop %d ms%n",
          (started - t0) / 1_000_000, (System.nanoTime() - stopping) / 1_000_000);
    }

    assertThat(got.getTopic()).isEqualTo("orders");
    assertThat(got.getTags()).isEqualTo("TagA");
    assertThat(got.getKeys()).isEqualTo("key-1 key-2");
    assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("hello");

    assertThat(dir).doesNotExist();
    assertPortFree(namesrvPort);
    assertPortFree(brokerPort);
    // Pool threads end a moment after their executor is shut down.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(namesOfNew(threadsBefore))
                    .as("non-daemon threads left behind")
                    .isEmpty());
    assertThatThrownBy(() -> mq.createTopic("late")).isInstanceOf(IllegalStateException.class);
    mq.stop(); // a second stop is harmless
  }

  @Test
  void twoInstancesRunSideBySide() throws Exception {
    try (EmbeddedRocketMq first = EmbeddedRocketMq.start();
        EmbeddedRocketMq second = EmbeddedRocketMq.start()) {
      assertThat(first.namesrvAddr()).isNotEqualTo(second.namesrvAddr());
      assertThat(first.brokerAddr()).isNotEqualTo(second.brokerAddr());
      assertThat(first.baseDir()).isNotEqualTo(second.baseDir());

      first.createTopic("shared-name");
      second.createTopic("shared-name", 2);

      MessageExt fromFirst = RoundTrip.sendAndReceive(first.namesrvAddr(), "shared-name", "one");
      MessageExt fromSecond = RoundTrip.sendAndReceive(second.namesrvAddr(), "shared-name", "two");

      assertThat(new String(fromFirst.getBody(), StandardCharsets.UTF_8)).isEqualTo("one");
      assertThat(new String(fromSecond.getBody(), StandardCharsets.UTF_8)).isEqualTo("two");
      assertThat(fromSecond.getQueueId()).isLessThan(2);
    }
  }

  @Test
  void keepsAGivenDirectory(@TempDir Path dir) {
    Path data = dir.resolve("data");
    try (EmbeddedRocketMq mq = EmbeddedRocketMq.builder().baseDir(data).start()) {
      mq.createTopic("kept");
    }
    assertThat(data.resolve("store")).isDirectory();
    assertThat(Files.exists(data.resolve("store/config/topics.json"))).isTrue();
  }

  @Test
  void withoutAutoCreationAnUnknownTopicHasNoRoute() throws Exception {
    try (EmbeddedRocketMq mq =
        EmbeddedRocketMq.builder()
            .autoCreateTopics(false)
            .customize(configs -> configs.broker().setBrokerClusterName("halfmsg-test"))
            .start()) {
      assertThat(mq.clusterName()).isEqualTo("halfmsg-test");
      DefaultMQProducer producer = new DefaultMQProducer("test-producer-no-topic");
      producer.setNamesrvAddr(mq.namesrvAddr());
      producer.start();
      try {
        Message message = new Message("never-created", "body".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> producer.send(message))
            .isInstanceOf(MQClientException.class)
            .hasMessageContaining("No route info");
      } finally {
        producer.shutdown();
      }
    }
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  private static void assertPortFree(int port) throws IOException {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }

  private static Set<Thread> liveNonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        // Awaitility polls in a thread of its own.
        .filter(t -> t.isAlive() && !t.isDaemon() && !t.getName().startsWith("awaitility"))
        .collect(Collectors.toSet());
  }

  /** Compared by identity: another broker in this JVM has threads of the same names. */
  private static List<String> namesOfNew(Set<Thread> before) {
    return liveNonDaemonThreads().stream()
        .filter(t -> !before.contains(t))
        .map(Thread::getName)
        .sorted()
        .toList();
  }
}
