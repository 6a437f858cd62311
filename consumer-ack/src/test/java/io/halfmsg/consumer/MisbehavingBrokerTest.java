package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.testsupport.http.MisbehavingBroker;
import io.halfmsg.testsupport.http.MisbehavingBroker.Endpoint;
import io.halfmsg.testsupport.http.MisbehavingBroker.Fault;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Acks and the subscription registration against a broker that misbehaves (issue 11): acks are
 * retried until a broker really takes them — an answer that cannot be read is no ack — with one
 * warning that names the broker; a start whose subscription got no usable answer fails with a
 * message that says where and why, and fails over to the next broker URL first.
 */
@ExtendWith(OutputCaptureExtension.class)
class MisbehavingBrokerTest {

  static final String GROUP = "g_faults";
  static final Duration REQUEST_TIMEOUT = Duration.ofMillis(400);
  static final ObjectMapper JSON = new ObjectMapper();

  MisbehavingBroker broker;
  final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void startBroker() {
    broker = MisbehavingBroker.start().slowBy(Duration.ofSeconds(2));
    closing.add(broker);
  }

  @AfterEach
  void closeAll() throws Exception {
    // Senders and consumers are added in front: they close before the brokers.
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  // --- acks ---

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void acksWithoutAUsableAnswerAreRetriedUntilTheBrokerTakesThem(
      Fault fault, CapturedOutput output) {
    broker.always(Endpoint.ACKS, fault);
    AckSender sender = sender(broker.url());

    sender.enqueue("m-1");

    await().atMost(Duration.ofSeconds(10)).until(() -> broker.calls(Endpoint.ACKS).size() >= 3);
    assertThat(sender.sent()).as("not counted as acked").isZero();
    assertThat(sender.dropped()).isZero();
    assertThat(output)
        .contains("Acks of group " + GROUP + " failed (")
        .contains(broker.url() + "/api/v1/acks")
        .contains("retrying with backoff until the broker takes them");

    broker.heal();

    await().atMost(Duration.ofSeconds(10)).until(() -> sender.sent() == 1);
    assertThat(broker.acked(GROUP)).containsExactly("m-1");
    assertThat(broker.calls(Endpoint.ACKS))
        .allSatisfy(c -> assertThat(c.messageIds()).containsExactly("m-1"));
    assertThat(sender.dropped()).isZero();
    assertThat(output).contains("Acks of group " + GROUP + " reach the broker again");
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void acksFailOverToTheNextBrokerUrl(Fault fault) {
    MisbehavingBroker second = broker.anotherInstance();
    closing.add(second);
    broker.always(Endpoint.ACKS, fault);
    AckSender sender = sender(broker.url(), second.url());

    sender.enqueue("m-1");

    await().atMost(Duration.ofSeconds(10)).until(() -> sender.sent() == 1);
    assertThat(second.calls(Endpoint.ACKS)).hasSize(1);
    assertThat(broker.acked(GROUP)).containsExactly("m-1");
  }

  // --- subscription ---

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void startFailsClearlyWhenTheSubscriptionGetsNoUsableAnswer(Fault fault) {
    broker.always(Endpoint.SUBSCRIPTION, fault);
    HalfmsgConsumer consumer = consumer(broker.url());

    assertThatThrownBy(consumer::start)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "The halfmsg broker did not register the subscription of consumer group "
                + GROUP
                + " to [t_faults]: ")
        .hasMessageContaining(broker.url() + "/api/v1/subscriptions/" + GROUP)
        .hasMessageContaining(whatWentWrong(fault))
        .hasNoCause();
    assertThat(broker.calls(Endpoint.SUBSCRIPTION)).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void theSubscriptionFailsOverToTheNextBrokerUrl(Fault fault) {
    MisbehavingBroker second = broker.anotherInstance();
    closing.add(second);
    broker.always(Endpoint.SUBSCRIPTION, fault);
    SubscriptionRegistration registration =
        new SubscriptionRegistration(
            api(broker.url(), second.url()),
            GROUP,
            Map.of("t_faults", new Subscription("t_faults", TagExpression.parse("*"), null, null)),
            Duration.ofSeconds(30),
            null);

    registration.register();

    assertThat(second.calls(Endpoint.SUBSCRIPTION)).hasSize(1);
    assertThat(broker.subscriptions().get(GROUP).path("topics").get(0).asText())
        .isEqualTo("t_faults");
  }

  // --- helpers ---

  static String whatWentWrong(Fault fault) {
    return switch (fault) {
      case SLOW -> "(java.net.http.HttpTimeoutException: request timed out)";
      case SERVER_ERROR -> "answered HTTP 500: {\"type\":\"urn:halfmsg:problem:internal\"";
      case BAD_GATEWAY -> "answered HTTP 502: <html><head><title>502 Bad Gateway";
      case UNAVAILABLE -> "answered HTTP 503: (empty body)";
      case GARBAGE -> "(HTTP 200 with an unreadable body: <html><body><h1>Welcome to nginx!";
      case WRONG_SHAPE -> "(HTTP 200 with an unreadable body: {\"ok\":true})";
      case TRUNCATED, RESET -> ": no usable answer from ";
      case NONE -> throw new IllegalArgumentException();
    };
  }

  AckSender sender(String... urls) {
    AckSender sender =
        new AckSender(api(urls), GROUP, 200, Duration.ofMillis(5), 10_000, Duration.ofSeconds(5));
    closing.add(0, sender::close);
    sender.start();
    return sender;
  }

  static BrokerApi api(String... urls) {
    return new BrokerApi(
        List.of(urls).stream().map(URI::create).toList(),
        "consumer-token",
        JSON,
        REQUEST_TIMEOUT,
        null);
  }

  HalfmsgConsumer consumer(String... urls) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(
        "jdbc:h2:mem:faults-"
            + UUID.randomUUID()
            + ";DB_CLOSE_DELAY=-1;MODE=MySQL;DATABASE_TO_LOWER=TRUE");
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(2);
    HikariDataSource dataSource = new HikariDataSource(config);
    closing.add(dataSource);
    HalfmsgConsumer consumer =
        HalfmsgConsumer.builder()
            .brokerUrls(urls)
            .namesrvAddr("127.0.0.1:9")
            .consumerGroup(GROUP)
            .dataSource(dataSource)
            .autoCreateDedupeTable(true)
            .requestTimeout(REQUEST_TIMEOUT)
            .subscribe("t_faults", "*", String.class, (payload, message, connection) -> {})
            .build();
    closing.add(0, consumer);
    return consumer;
  }
}
