package io.halfmsg.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.halfmsg.api.TransactionState;
import io.halfmsg.producer.testing.TestBroker;
import io.halfmsg.testsupport.db.TestDatabase;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plain-Java API needs none of the optional dependencies: it runs in a class loader without
 * Spring, Micrometer or RocketMQ, against the real broker.
 */
class PlainJavaClassPathTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();

  /** Runs inside the isolated class loader: sends one message that check-back decides. */
  public static final class Scenario implements Function<String, String>, AutoCloseable {
    private HalfmsgProducer producer;
    private CheckBackServer server;

    @Override
    public String apply(String brokerUrl) {
      producer =
          HalfmsgProducer.builder()
              .brokerUrls(brokerUrl)
              .token(TestBroker.PRODUCER_TOKEN)
              .producerGroup("plain-java")
              .build();
      server =
          CheckBackServer.builder()
              .host("127.0.0.1")
              .secret(TestBroker.SECRET)
              .checker(request -> TransactionState.COMMIT)
              .start(producer);
      return producer
          .sendInTransaction(Message.of("plain_topic", "hello"), m -> TransactionState.UNKNOWN)
          .messageId();
    }

    @Override
    public void close() {
      server.close();
      producer.close();
    }
  }

  @Test
  void sendsAndAnswersCheckBacksWithoutSpringMicrometerOrRocketMq() throws Exception {
    try (TestBroker broker = TestBroker.withFastCheckBacks(brokerDb);
        URLClassLoader plain =
            new URLClassLoader(plainClassPath(), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> plain.loadClass("io.micrometer.core.instrument.MeterRegistry"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> plain.loadClass("org.springframework.core.SpringVersion"))
          .isInstanceOf(ClassNotFoundException.class);

      Object scenario =
          plain.loadClass(Scenario.class.getName()).getDeclaredConstructor().newInstance();
      assertThat(scenario).isNotInstanceOf(Scenario.class);
      try (AutoCloseable running = (AutoCloseable) scenario) {
        @SuppressWarnings("unchecked")
        String id = ((Function<String, String>) scenario).apply(broker.url());

        broker.awaitState(id, "COMMITTED");
        assertThat(broker.resolvedBy(id)).isEqualTo("CHECK_BACK");
      }
    }
  }

  private static URL[] plainClassPath() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String path = entry.replace('\\', '/');
      if (path.contains("/io/micrometer/")
          || path.contains("/org/springframework/")
          || path.contains("/org/apache/rocketmq/")) {
        continue;
      }
      urls.add(new File(entry).toURI().toURL());
    }
    return urls.toArray(URL[]::new);
  }
}
