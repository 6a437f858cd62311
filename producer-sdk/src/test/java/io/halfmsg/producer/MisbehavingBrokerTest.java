package io.halfmsg.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.TransactionState;
import io.halfmsg.testsupport.http.MisbehavingBroker;
import io.halfmsg.testsupport.http.MisbehavingBroker.Call;
import io.halfmsg.testsupport.http.MisbehavingBroker.Endpoint;
import io.halfmsg.testsupport.http.MisbehavingBroker.Fault;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The producer SDK against a broker that misbehaves (issue 11): every fault of {@link
 * MisbehavingBroker} on prepares, decisions and heartbeats. What must hold: a clear {@link
 * HalfmsgException} that names the broker URL and what went wrong; the local transaction does not
 * run when no prepare was acknowledged; a retried prepare carries the same id and content, so one
 * send is one half message; decisions are retried until {@code endTransactionRetryTimeout} and only
 * then left to check-back, with a log and a metric; heartbeats keep being retried.
 */
@ExtendWith(OutputCaptureExtension.class)
class MisbehavingBrokerTest {

  static final String GROUP = "sdk-faults";
  static final Duration REQUEST_TIMEOUT = Duration.ofMillis(400);

  MisbehavingBroker broker;
  final List<AutoCloseable> closing = new ArrayList<>();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void startBroker() {
    broker = MisbehavingBroker.start().slowBy(Duration.ofSeconds(2));
    closing.add(broker);
  }

  @AfterEach
  void closeAll() throws Exception {
    // Producers and heartbeats are added in front: they close before the brokers.
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  HalfmsgProducer.Builder builder(String... urls) {
    return HalfmsgProducer.builder()
        .brokerUrls(urls)
        .producerGroup(GROUP)
        .connectTimeout(REQUEST_TIMEOUT)
        .requestTimeout(REQUEST_TIMEOUT)
        .meterRegistry(meters);
  }

  HalfmsgProducer producer(HalfmsgProducer.Builder builder) {
    HalfmsgProducer p = builder.build();
    closing.add(0, p);
    return p;
  }

  HalfmsgProducer producer() {
    return producer(builder(broker.url()));
  }

  static Message order(String orderNo) {
    return Message.builder("order_created")
        .keys(orderNo)
        .body("{\"orderNo\":\"" + orderNo + "\"}")
        .build();
  }

  // --- prepare ---

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void aPrepareWithoutAUsableAnswerFailsClearlyAndTheLocalTransactionNeverRuns(Fault fault) {
    broker.always(Endpoint.PREPARE_BATCH, fault);
    HalfmsgProducer producer = producer();
    AtomicInteger localTransactions = new AtomicInteger();

    assertThatThrownBy(
            () ->
                producer.sendInTransaction(
                    order("o-1"),
                    msg -> {
                      localTransactions.incrementAndGet();
                      return TransactionState.COMMIT;
                    }))
        .isExactlyInstanceOf(HalfmsgException.class)
        .hasMessageStartingWith("Prepare of message ")
        .hasMessageContaining(whatWentWrong(fault, broker.url() + "/api/v1/messages:batch"))
        .satisfies(
            e -> {
              assertThat(((HalfmsgException) e).status()).isEqualTo(status(fault));
              assertThat(e.getMessage()).doesNotContain("com.fasterxml", "NullPointerException");
              assertThat(e).hasNoCause();
            });

    assertThat(localTransactions).hasValue(0);
    assertThat(counter("halfmsg.producer.failures", "operation", "prepare")).isEqualTo(1);
    List<Call> prepares = broker.calls(Endpoint.PREPARE_BATCH);
    assertThat(prepares).as("prepareAttempts").hasSize(3);
    assertThat(prepares.stream().map(Call::items).distinct())
        .as("every attempt the same one message, id and content")
        .hasSize(1)
        .allSatisfy(items -> assertThat(items).hasSize(1));
    assertThat(broker.messages())
        .as("one half message at most, left to check-back")
        .hasSize(fault.acted() ? 1 : 0)
        .allSatisfy((id, m) -> assertThat(m.state()).isEqualTo("PREPARED"));
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void aPrepareRetriedAfterAFaultCarriesTheSameIdAndContentAndMakesOneHalfMessage(Fault fault) {
    broker.next(Endpoint.PREPARE_BATCH, fault);
    HalfmsgProducer producer = producer();
    AtomicInteger localTransactions = new AtomicInteger();

    SendResult r =
        producer.sendInTransaction(
            order("o-2"),
            msg -> {
              localTransactions.incrementAndGet();
              return TransactionState.COMMIT;
            });

    assertThat(localTransactions).hasValue(1);
    List<Call> prepares = broker.calls(Endpoint.PREPARE_BATCH);
    assertThat(prepares).extracting(Call::fault).containsExactly(fault, Fault.NONE);
    assertThat(prepares).allSatisfy(c -> assertThat(c.messageIds()).containsExactly(r.messageId()));
    assertThat(prepares.get(1).items()).isEqualTo(prepares.get(0).items());
    assertThat(broker.messages()).containsOnlyKeys(r.messageId());
    assertThat(confirmed(r)).isEqualTo(MessageState.COMMITTED);
    assertThat(broker.state(r.messageId())).isEqualTo("COMMITTED");
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void aMisbehavingBrokerUrlFailsOverToTheNext(Fault fault) {
    MisbehavingBroker second = broker.anotherInstance();
    closing.add(second);
    broker.always(Endpoint.PREPARE_BATCH, fault).always(Endpoint.DECISIONS, fault);
    HalfmsgProducer producer = producer(builder(broker.url(), second.url()));

    SendResult r = producer.sendInTransaction(order("o-3"), msg -> TransactionState.COMMIT);

    assertThat(confirmed(r)).isEqualTo(MessageState.COMMITTED);
    assertThat(broker.messages()).as("one half message").containsOnlyKeys(r.messageId());
    assertThat(broker.state(r.messageId())).isEqualTo("COMMITTED");
    assertThat(second.calls(Endpoint.PREPARE_BATCH)).hasSize(1);
    assertThat(broker.calls(Endpoint.PREPARE_BATCH))
        .as("the failing one was tried once, then the next URL in the same call")
        .hasSize(1);
  }

  // --- commit and rollback ---

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void aCommitThatMetAFaultIsRetriedUntilTheBrokerTakesIt(Fault fault) {
    broker.next(Endpoint.DECISIONS, fault, fault);
    HalfmsgProducer producer = producer();

    SendResult r = producer.sendInTransaction(order("o-4"), msg -> TransactionState.COMMIT);

    assertThat(confirmed(r)).isEqualTo(MessageState.COMMITTED);
    assertThat(broker.state(r.messageId())).isEqualTo("COMMITTED");
    List<Call> decisions = broker.calls(Endpoint.DECISIONS);
    assertThat(decisions).extracting(Call::fault).containsExactly(fault, fault, Fault.NONE);
    assertThat(decisions)
        .allSatisfy(
            c -> {
              assertThat(c.messageIds()).containsExactly(r.messageId());
              assertThat(c.items().get(0).path("decision").asText()).isEqualTo("COMMIT");
            });
    assertThat(counter("halfmsg.producer.commits")).isEqualTo(1);
    assertThat(counter("halfmsg.producer.failures", "operation", "commit")).isZero();
  }

  @Test
  void aRollbackThatMetGarbageIsRetriedUntilTheBrokerTakesIt() {
    broker.next(Endpoint.DECISIONS, Fault.GARBAGE, Fault.WRONG_SHAPE);
    HalfmsgProducer producer = producer();

    SendResult r = producer.sendInTransaction(order("o-5"), msg -> TransactionState.ROLLBACK);

    assertThat(confirmed(r)).isEqualTo(MessageState.ROLLED_BACK);
    assertThat(broker.state(r.messageId())).isEqualTo("ROLLED_BACK");
    assertThat(broker.calls(Endpoint.DECISIONS)).hasSize(3);
    assertThat(counter("halfmsg.producer.rollbacks")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SLOW", "SERVER_ERROR", "UNAVAILABLE", "GARBAGE", "TRUNCATED", "RESET"})
  void aCommitThatNeverArrivesIsRetriedForTheWholeRetryTimeoutThenLeftToCheckBack(
      Fault fault, CapturedOutput output) {
    broker.always(Endpoint.DECISIONS, fault);
    Duration retryTimeout = Duration.ofSeconds(3);
    HalfmsgProducer producer =
        producer(builder(broker.url()).endTransactionRetryTimeout(retryTimeout));

    SendResult r = producer.sendInTransaction(order("o-6"), msg -> TransactionState.COMMIT);

    await("still being retried")
        .during(retryTimeout.minusMillis(500))
        .atMost(retryTimeout)
        .until(() -> !r.confirmation().toCompletableFuture().isDone());
    assertThat(confirmed(r)).as("left to check-back").isEqualTo(MessageState.PREPARED);
    assertThat(broker.calls(Endpoint.DECISIONS))
        .as("retried with backoff, the last time at the retry timeout")
        .hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(c -> assertThat(c.messageIds()).containsExactly(r.messageId()));
    assertThat(counter("halfmsg.producer.failures", "operation", "commit")).isEqualTo(1);
    assertThat(output)
        .contains("Giving up COMMIT of message " + r.messageId() + " after PT3S")
        .contains(broker.url() + "/api/v1/decisions")
        .contains("the broker's check-back will decide it");
    if (!fault.acted()) {
      assertThat(broker.state(r.messageId())).isEqualTo("PREPARED");
    }
  }

  // --- check-back endpoint registration ---

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void aHeartbeatWithoutAUsableAnswerFailsClearlyAndKeepsBeingRetried(
      Fault fault, CapturedOutput output) {
    broker.always(Endpoint.HEARTBEAT, fault);
    HalfmsgProducer producer =
        producer(builder(broker.url()).heartbeatInterval(Duration.ofSeconds(5)));
    String url = "http://127.0.0.1:9/halfmsg/check-back";

    EndpointHeartbeat heartbeat = producer.startHeartbeat(url, "instance-1");
    closing.add(0, heartbeat);

    await("retried sooner than the heartbeat interval")
        .atMost(Duration.ofSeconds(4))
        .until(() -> broker.calls(Endpoint.HEARTBEAT).size() >= 3);
    assertThat(heartbeat.isRegistered()).isFalse();
    assertThat(heartbeat.lastRegistered()).isNull();
    assertThat(counter("halfmsg.producer.failures", "operation", "heartbeat"))
        .isGreaterThanOrEqualTo(2);
    assertThat(output)
        .contains("Registering check-back URL " + url + " for group " + GROUP + " failed")
        .contains(broker.url() + "/api/v1/producer-groups/" + GROUP + "/endpoints");

    broker.heal();

    await().atMost(Duration.ofSeconds(10)).until(heartbeat::isRegistered);
    assertThat(broker.heartbeats())
        .last()
        .isEqualTo(new MisbehavingBroker.Heartbeat(GROUP, url, "instance-1"));
  }

  // --- helpers ---

  /** What the exception message says went wrong, for each fault met at {@code url}. */
  static String whatWentWrong(Fault fault, String url) {
    String none = "failed: no usable answer from " + url + " (";
    return switch (fault) {
      case SLOW -> none + "java.net.http.HttpTimeoutException: request timed out)";
      case SERVER_ERROR -> "failed: 500 from " + url + ": Something broke in the broker.";
      case BAD_GATEWAY -> "failed: 502 from " + url + ": <html><head><title>502 Bad Gateway";
      case UNAVAILABLE -> "failed: 503 from " + url + ": (empty body)";
      case GARBAGE ->
          none
              + "HTTP 200 with an unreadable body:"
              + " <html><body><h1>Welcome to nginx!</h1></body></html>)";
      case WRONG_SHAPE -> none + "HTTP 200 with an unreadable body: {\"results\":[{}]})";
      case TRUNCATED, RESET -> none;
      case NONE -> throw new IllegalArgumentException();
    };
  }

  static int status(Fault fault) {
    return switch (fault) {
      case SERVER_ERROR -> 500;
      case BAD_GATEWAY -> 502;
      case UNAVAILABLE -> 503;
      default -> 0;
    };
  }

  static MessageState confirmed(SendResult r) {
    return r.confirmation().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }

  double counter(String name, String... tags) {
    var search = meters.find(name).tag("group", GROUP);
    if (tags.length > 0) {
      search = search.tags(tags);
    }
    var c = search.counter();
    return c == null ? 0 : c.count();
  }
}
