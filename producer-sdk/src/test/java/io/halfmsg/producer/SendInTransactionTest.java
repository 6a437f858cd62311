package io.halfmsg.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.api.MessageState;
import io.halfmsg.api.TransactionState;
import io.halfmsg.producer.testing.FaultyProxy;
import io.halfmsg.producer.testing.FaultyProxy.Fault;
import io.halfmsg.producer.testing.ScriptedChecker;
import io.halfmsg.producer.testing.TestBroker;
import io.halfmsg.testsupport.db.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plain-Java API against the real broker over HTTP, with a hand-written checker behind the
 * built-in check-back server.
 */
class SendInTransactionTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();

  static TestBroker broker;

  String group;
  SimpleMeterRegistry meters;
  ScriptedChecker checker;
  HalfmsgProducer producer;
  CheckBackServer server;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.withFastCheckBacks(brokerDb);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void setUp() {
    group = "sdk-" + UUID.randomUUID().toString().substring(0, 8);
    meters = new SimpleMeterRegistry();
    checker = new ScriptedChecker(TransactionState.UNKNOWN);
    producer = producer(broker.url());
    server =
        CheckBackServer.builder()
            .host("127.0.0.1")
            .secret(TestBroker.SECRET)
            .checker(checker)
            .start(producer);
  }

  @AfterEach
  void tearDown() {
    server.close();
    producer.close();
  }

  HalfmsgProducer producer(String... brokerUrls) {
    return HalfmsgProducer.builder()
        .brokerUrls(brokerUrls)
        .token(TestBroker.PRODUCER_TOKEN)
        .producerGroup(group)
        .meterRegistry(meters)
        .build();
  }

  static Message order(String orderNo) {
    return Message.builder("order_created")
        .tag("created")
        .keys(orderNo)
        .body("{\"orderNo\":\"" + orderNo + "\"}")
        .property("source", "test")
        .build();
  }

  @Test
  void aDelayedMessageIsPreparedWithItsDeliveryTime() {
    java.time.Instant at =
        java.time.Instant.now()
            .plus(Duration.ofDays(10))
            .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    SendResult after =
        producer.sendInTransaction(
            order("o-delay").toBuilder().deliverAfter(Duration.ofMinutes(5)).build(),
            msg -> TransactionState.COMMIT);
    SendResult atTime =
        producer.sendInTransaction(
            order("o-at").toBuilder().deliverAfter(Duration.ofSeconds(1)).deliverAt(at).build(),
            msg -> TransactionState.COMMIT);

    JsonNode stored = broker.message(after.messageId());
    assertThat(java.time.Instant.parse(stored.path("deliverAt").asText()))
        .isEqualTo(java.time.Instant.parse(stored.path("createdAt").asText()).plusSeconds(300));
    assertThat(broker.message(atTime.messageId()).path("deliverAt").asText())
        .as("the later call replaces the earlier")
        .isEqualTo(at.toString());
    assertThat(confirmed(atTime)).isEqualTo(MessageState.COMMITTED);
    assertThatThrownBy(() -> Message.builder("t").deliverAfter(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                producer.sendInTransaction(
                    order("o-far").toBuilder().deliverAfter(Duration.ofDays(41)).build(),
                    msg -> TransactionState.COMMIT))
        .as("the broker's max-delay")
        .isInstanceOf(HalfmsgException.class)
        .hasMessageContaining("deliverAfterMs");
  }

  @Test
  void aCommittedLocalTransactionCommitsTheMessage() {
    AtomicBoolean ran = new AtomicBoolean();

    SendResult r =
        producer.sendInTransaction(
            order("o-1"),
            msg -> {
              assertThat(broker.state(msg.messageId())).as("prepared first").isEqualTo("PREPARED");
              ran.set(true);
              return TransactionState.COMMIT;
            });

    assertThat(ran).isTrue();
    assertThat(r.localState()).isEqualTo(TransactionState.COMMIT);
    assertThat(r.state())
        .as("decisions are asynchronous by default")
        .isEqualTo(MessageState.PREPARED);
    assertThat(confirmed(r)).isEqualTo(MessageState.COMMITTED);
    JsonNode stored = broker.message(r.messageId());
    assertThat(stored.path("state").asText()).isEqualTo("COMMITTED");
    assertThat(stored.path("resolvedBy").asText()).isEqualTo("PRODUCER");
    assertThat(stored.path("producerGroup").asText()).isEqualTo(group);
    assertThat(stored.path("topic").asText()).isEqualTo("order_created");
    assertThat(stored.path("tag").asText()).isEqualTo("created");
    assertThat(stored.path("keys").asText()).isEqualTo("o-1");
    assertThat(stored.path("body").asText()).isEqualTo("{\"orderNo\":\"o-1\"}");
    assertThat(stored.path("bodyEncoding").asText()).isEqualTo("utf8");
    assertThat(stored.path("properties").path("source").asText()).isEqualTo("test");
    assertThat(counter("halfmsg.producer.sends")).isEqualTo(1);
    assertThat(counter("halfmsg.producer.commits")).isEqualTo(1);
  }

  @Test
  void aRolledBackLocalTransactionRollsTheMessageBack() {
    SendResult r = producer.sendInTransaction(order("o-2"), msg -> TransactionState.ROLLBACK);

    assertThat(confirmed(r)).isEqualTo(MessageState.ROLLED_BACK);
    assertThat(broker.state(r.messageId())).isEqualTo("ROLLED_BACK");
    assertThat(broker.resolvedBy(r.messageId())).isEqualTo("PRODUCER");
    assertThat(counter("halfmsg.producer.rollbacks")).isEqualTo(1);
  }

  @Test
  void binaryBodiesTravelAsBase64() {
    byte[] body = {(byte) 0xff, 0, 1, (byte) 0xfe};

    SendResult r =
        producer.sendInTransaction(
            Message.builder("order_created").body(body).build(), msg -> TransactionState.COMMIT);

    JsonNode stored = broker.message(r.messageId());
    assertThat(stored.path("bodyEncoding").asText()).isEqualTo("base64");
    assertThat(java.util.Base64.getDecoder().decode(stored.path("body").asText())).isEqualTo(body);
  }

  @Test
  void aShardingKeyGoesWithThePrepareAndABadOneIsRefusedBeforeIt() {
    SendResult r =
        producer.sendInTransaction(
            Message.builder("order_created").shardingKey("order-42").body("{}").build(),
            msg -> TransactionState.COMMIT);

    assertThat(broker.message(r.messageId()).path("shardingKey").asText()).isEqualTo("order-42");
    assertThatThrownBy(() -> Message.builder("order_created").shardingKey(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shardingKey");
    assertThatThrownBy(() -> Message.builder("order_created").shardingKey("k".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMessageIdOfTheApplicationsOwnIsKept() {
    String id = "order-" + UUID.randomUUID() + ".v1:a";

    SendResult r =
        producer.sendInTransaction(
            order("o-8").toBuilder().messageId(id).build(),
            msg -> {
              assertThat(msg.messageId()).isEqualTo(id);
              return TransactionState.COMMIT;
            });

    assertThat(r.messageId()).isEqualTo(id);
    assertThat(confirmed(r)).isEqualTo(MessageState.COMMITTED);
    assertThat(broker.state(id)).isEqualTo("COMMITTED");
  }

  @Test
  void anUnknownOutcomeIsDecidedByCheckBack() {
    SendResult r = producer.sendInTransaction(order("o-3"), msg -> TransactionState.UNKNOWN);

    assertThat(r.state()).isEqualTo(MessageState.PREPARED);
    await("a first, undecided check-back")
        .atMost(TestBroker.PATIENCE)
        .until(() -> !checker.callsFor(r.messageId()).isEmpty());
    assertThat(broker.state(r.messageId())).isEqualTo("PREPARED");

    // The local transaction's outcome becomes known, as a slow one's would.
    checker.record(r.messageId(), TransactionState.COMMIT);

    broker.awaitState(r.messageId(), "COMMITTED");
    assertThat(broker.resolvedBy(r.messageId())).isEqualTo("CHECK_BACK");
    assertThat(checker.callsFor(r.messageId()))
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(
            c -> {
              assertThat(c.producerGroup()).isEqualTo(group);
              assertThat(c.topic()).isEqualTo("order_created");
              assertThat(c.keys()).isEqualTo("o-3");
            });
    assertThat(checkBacks("UNKNOWN")).isGreaterThanOrEqualTo(1);
    assertThat(checkBacks("COMMIT")).isEqualTo(1);
  }

  @Test
  void aLocalTransactionThatThrowsSendsNothingAndCheckBackDecides() {
    checker.answerForUnknownIds(TransactionState.ROLLBACK);
    RuntimeException boom = new IllegalStateException("insufficient credit");

    assertThatThrownBy(
            () ->
                producer.sendInTransaction(
                    order("o-4"),
                    msg -> {
                      throw boom;
                    }))
        .isInstanceOfSatisfying(
            LocalTransactionException.class,
            e -> {
              assertThat(e.getCause()).isSameAs(boom);
              assertThat(broker.state(e.messageId())).isEqualTo("PREPARED");
              broker.awaitState(e.messageId(), "ROLLED_BACK");
              assertThat(broker.resolvedBy(e.messageId())).isEqualTo("CHECK_BACK");
            });
    assertThat(counter("halfmsg.producer.failures", "operation", "local-transaction")).isEqualTo(1);
  }

  @Test
  void aRefusedPrepareFailsAndTheLocalTransactionNeverRuns() {
    AtomicBoolean ran = new AtomicBoolean();

    assertThatThrownBy(
            () ->
                producer.sendInTransaction(
                    Message.of("not a topic!", "x"),
                    msg -> {
                      ran.set(true);
                      return TransactionState.COMMIT;
                    }))
        .isInstanceOfSatisfying(
            HalfmsgException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.problemType()).isEqualTo("urn:halfmsg:problem:invalid-request");
            });
    assertThat(ran).isFalse();
    assertThat(counter("halfmsg.producer.failures", "operation", "prepare")).isEqualTo(1);
  }

  @Test
  void anUnreachableBrokerUrlFailsOverToTheNext() {
    try (HalfmsgProducer failingOver = producer("http://127.0.0.1:1", broker.url())) {
      SendResult r = failingOver.sendInTransaction(order("o-5"), msg -> TransactionState.COMMIT);

      assertThat(confirmed(r)).isEqualTo(MessageState.COMMITTED);
    }
  }

  @Test
  void aLostPrepareAnswerIsRetriedWithTheSameIdAndMakesOneHalfMessage() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(broker.url());
        HalfmsgProducer viaProxy = producer(proxy.url())) {
      AtomicInteger prepares = new AtomicInteger();
      proxy.rule(
          request ->
              request.path().equals("/api/v1/messages:batch") && prepares.incrementAndGet() == 1
                  ? Fault.LOSE_ANSWER
                  : Fault.NONE);
      AtomicInteger localTransactions = new AtomicInteger();

      SendResult r =
          viaProxy.sendInTransaction(
              order("o-6"),
              msg -> {
                localTransactions.incrementAndGet();
                return TransactionState.COMMIT;
              });

      assertThat(proxy.seen("POST", "/api/v1/messages:batch"))
          .extracting(FaultyProxy.Seen::fault, FaultyProxy.Seen::upstreamStatus)
          .as(
              "the broker created it, the answer was lost, the retry found it (batch answers are 200)")
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(Fault.LOSE_ANSWER, 200),
              org.assertj.core.groups.Tuple.tuple(Fault.NONE, 200));
      assertThat(broker.messageCount(group)).isEqualTo(1);
      assertThat(localTransactions).hasValue(1);
      assertThat(confirmed(r)).isEqualTo(MessageState.COMMITTED);
    }
  }

  @Test
  void aCommitThatDoesNotArriveIsRetriedInTheBackground() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(broker.url());
        HalfmsgProducer viaProxy = producer(proxy.url())) {
      AtomicInteger commits = new AtomicInteger();
      proxy.rule(
          request ->
              request.path().equals("/api/v1/decisions") && commits.incrementAndGet() == 1
                  ? Fault.LOSE_REQUEST
                  : Fault.NONE);

      SendResult r = viaProxy.sendInTransaction(order("o-7"), msg -> TransactionState.COMMIT);

      assertThat(r.confirmation().toCompletableFuture().isDone()).as("not confirmed yet").isFalse();
      broker.awaitState(r.messageId(), "COMMITTED");
      assertThat(confirmed(r)).isEqualTo(MessageState.COMMITTED);
      // The checker answers UNKNOWN to everything here: only the producer's retry can commit.
      assertThat(broker.resolvedBy(r.messageId())).isEqualTo("PRODUCER");
      // The proxy records a request once the broker answered it, maybe after awaitState saw it.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> proxy.seen("POST", "/api/v1/decisions").size() == 2);
    }
  }

  @Test
  void closingEndsTheConfirmationOfADecisionStillBeingRetried() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(broker.url())) {
      HalfmsgProducer viaProxy = producer(proxy.url());
      proxy.rule(
          request -> request.path().equals("/api/v1/decisions") ? Fault.LOSE_REQUEST : Fault.NONE);
      SendResult r = viaProxy.sendInTransaction(order("o-14"), msg -> TransactionState.COMMIT);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !proxy.seen("POST", "/api/v1/decisions").isEmpty());

      viaProxy.close();

      assertThat(confirmed(r)).as("left to check-back").isEqualTo(MessageState.PREPARED);
      assertThat(broker.state(r.messageId())).isEqualTo("PREPARED");
    }
  }

  @Test
  void inSyncModeSendInTransactionWaitsForTheBrokersConfirmation() {
    try (HalfmsgProducer sync =
        HalfmsgProducer.builder()
            .brokerUrls(broker.url())
            .token(TestBroker.PRODUCER_TOKEN)
            .producerGroup(group)
            .decisionMode(HalfmsgProducer.DecisionMode.SYNC)
            .build()) {
      SendResult r = sync.sendInTransaction(order("o-10"), msg -> TransactionState.COMMIT);

      assertThat(r.state()).isEqualTo(MessageState.COMMITTED);
      assertThat(r.committed()).isTrue();
      assertThat(broker.state(r.messageId())).isEqualTo("COMMITTED");
    }
  }

  @Test
  void concurrentSendsShareBatchRequests() throws Exception {
    int threads = 16;
    int perThread = 25;
    try (FaultyProxy proxy = new FaultyProxy(broker.url());
        HalfmsgProducer viaProxy = producer(proxy.url())) {
      java.util.List<SendResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(threads);
      for (int t = 0; t < threads; t++) {
        int thread = t;
        pool.submit(
            () -> {
              for (int i = 0; i < perThread; i++) {
                results.add(
                    viaProxy.sendInTransaction(
                        order("c-" + thread + "-" + i),
                        msg ->
                            i2s(msg) % 7 == 0
                                ? TransactionState.ROLLBACK
                                : TransactionState.COMMIT));
              }
            });
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      assertThat(results).hasSize(threads * perThread);
      for (SendResult r : results) {
        assertThat(confirmed(r))
            .isEqualTo(
                r.localState() == TransactionState.COMMIT
                    ? MessageState.COMMITTED
                    : MessageState.ROLLED_BACK);
        assertThat(broker.state(r.messageId())).isEqualTo(confirmed(r).name());
      }
      assertThat(broker.messageCount(group)).isEqualTo(threads * perThread);
      assertThat(proxy.seen("POST", "/api/v1/messages:batch").size())
          .as("prepares share requests")
          .isLessThan(threads * perThread);
      assertThat(proxy.seen("POST", "/api/v1/decisions").size())
          .as("decisions share requests")
          .isLessThan(threads * perThread);
      assertThat(proxy.seen("POST", "/api/v1/messages")).as("no single calls").isEmpty();
    }
  }

  @Test
  void aBrokerWithoutBatchEndpointsGetsSingleCalls() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(broker.url());
        HalfmsgProducer viaProxy = producer(proxy.url())) {
      proxy.rule(
          request ->
              request.path().equals("/api/v1/messages:batch")
                      || request.path().equals("/api/v1/decisions")
                  ? Fault.NO_SUCH_ENDPOINT
                  : Fault.NONE);

      SendResult committed =
          viaProxy.sendInTransaction(order("o-12"), msg -> TransactionState.COMMIT);
      SendResult rolledBack =
          viaProxy.sendInTransaction(order("o-13"), msg -> TransactionState.ROLLBACK);

      assertThat(confirmed(committed)).isEqualTo(MessageState.COMMITTED);
      assertThat(confirmed(rolledBack)).isEqualTo(MessageState.ROLLED_BACK);
      assertThat(broker.state(committed.messageId())).isEqualTo("COMMITTED");
      assertThat(broker.state(rolledBack.messageId())).isEqualTo("ROLLED_BACK");
      assertThat(proxy.seen("POST", "/api/v1/messages:batch")).as("tried once").hasSize(1);
      assertThat(proxy.seen("POST", "/api/v1/messages")).hasSize(2);
      assertThat(proxy.seen("POST", "/commit")).hasSize(1);
      assertThat(proxy.seen("POST", "/rollback")).hasSize(1);
    }
  }

  @Test
  void anOverloadedBrokerIsGivenThePauseItAskedForAndNothingIsLost() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(broker.url());
        HalfmsgProducer viaProxy = producer(proxy.url())) {
      AtomicInteger refused = new AtomicInteger();
      proxy.rule(
          request ->
              request.path().equals("/api/v1/decisions") && refused.incrementAndGet() <= 2
                  ? Fault.OVERLOADED
                  : Fault.NONE);

      long start = System.nanoTime();
      SendResult r = viaProxy.sendInTransaction(order("o-11"), msg -> TransactionState.COMMIT);

      assertThat(confirmed(r)).isEqualTo(MessageState.COMMITTED);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("two Retry-After: 1 answers were respected")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
      assertThat(proxy.seen("POST", "/api/v1/decisions"))
          .extracting(FaultyProxy.Seen::upstreamStatus)
          .containsExactly(503, 503, 200);
      assertThat(broker.resolvedBy(r.messageId())).isEqualTo("PRODUCER");
    }
  }

  @Test
  void aDecisionQueueThatIsFullLeavesTheMessageToCheckBackInsteadOfGrowing() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(broker.url());
        HalfmsgProducer tiny =
            HalfmsgProducer.builder()
                .brokerUrls(proxy.url())
                .token(TestBroker.PRODUCER_TOKEN)
                .producerGroup(group)
                .queueCapacity(1)
                .maxRequestsInFlight(1)
                .requestTimeout(Duration.ofMillis(500))
                .meterRegistry(meters)
                .build()) {
      proxy.rule(
          request -> request.path().equals("/api/v1/decisions") ? Fault.OVERLOADED : Fault.NONE);
      java.util.List<SendResult> results = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(tiny.sendInTransaction(order("q-" + i), msg -> TransactionState.COMMIT));
      }

      await()
          .atMost(TestBroker.PATIENCE)
          .until(
              () ->
                  results.stream()
                          .filter(r -> r.confirmation().toCompletableFuture().isDone())
                          .count()
                      >= 2);
      assertThat(
              results.stream()
                  .filter(
                      r ->
                          r.confirmation().toCompletableFuture().getNow(null)
                              == MessageState.PREPARED))
          .as("refused for lack of room, left to check-back")
          .isNotEmpty();
      assertThat(counter("halfmsg.producer.failures", "operation", "commit"))
          .isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void closingStillSendsTheDecisionsAlreadyDue() {
    String id;
    try (HalfmsgProducer closing = producer(broker.url())) {
      id = closing.prepare(order("o-9")).messageId();
      closing.endTransactionAsync(id, () -> TransactionState.COMMIT);
    }

    assertThat(broker.state(id)).isEqualTo("COMMITTED");
    assertThat(broker.resolvedBy(id)).isEqualTo("PRODUCER");
  }

  private static MessageState confirmed(SendResult r) {
    return r.confirmation()
        .toCompletableFuture()
        .orTimeout(20, java.util.concurrent.TimeUnit.SECONDS)
        .join();
  }

  private static int i2s(Message m) {
    return Math.abs(m.keys().hashCode());
  }

  private double counter(String name, String... tags) {
    var search = meters.find(name).tag("group", group);
    if (tags.length > 0) {
      search = search.tags(tags);
    }
    var c = search.counter();
    return c == null ? 0 : c.count();
  }

  private double checkBacks(String state) {
    return counter("halfmsg.producer.checkbacks", "state", state);
  }
}
