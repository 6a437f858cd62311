package io.halfmsg.producer.barrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.halfmsg.api.MessageState;
import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.TransactionState;
import io.halfmsg.producer.CheckBackServer;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.LocalTransactionException;
import io.halfmsg.producer.Message;
import io.halfmsg.producer.SendResult;
import io.halfmsg.producer.testing.FaultyProxy;
import io.halfmsg.producer.testing.FaultyProxy.Fault;
import io.halfmsg.producer.testing.ProducerDatabase;
import io.halfmsg.producer.testing.TestBroker;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Automatic check-back end to end: the real broker asks, the built-in server answers from the
 * barrier table, and the producer "dies" — the proxy between it and the broker loses every commit
 * and rollback, as if the process had ended right after its local transaction.
 */
class BarrierCheckBackTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static TestDatabase appDb = new TestDatabase();

  static TestBroker broker;
  static ProducerDatabase app;

  FaultyProxy proxy;
  HalfmsgProducer producer;
  CheckBackServer server;
  final List<Answer> answers = new CopyOnWriteArrayList<>();
  final AtomicInteger checksStarted = new AtomicInteger();

  record Answer(String messageId, TransactionState state) {}

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.withFastCheckBacks(brokerDb);
    app = new ProducerDatabase(appDb);
  }

  @AfterAll
  static void stop() {
    broker.close();
    app.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    proxy = new FaultyProxy(broker.url());
    proxy.rule(
        request ->
            request.path().equals("/api/v1/decisions")
                    || request.path().endsWith("/commit")
                    || request.path().endsWith("/rollback")
                ? Fault.LOSE_REQUEST
                : Fault.NONE);
    producer =
        HalfmsgProducer.builder()
            .brokerUrls(proxy.url())
            .token(TestBroker.PRODUCER_TOKEN)
            .producerGroup("barrier-" + UUID.randomUUID().toString().substring(0, 8))
            .build();
    BarrierTransactionChecker barrier = new BarrierTransactionChecker(app.dataSource());
    TransactionChecker recording =
        request -> {
          checksStarted.incrementAndGet();
          TransactionState state = barrier.check(request);
          answers.add(new Answer(request.messageId(), state));
          return state;
        };
    server =
        CheckBackServer.builder()
            .host("127.0.0.1")
            .secret(TestBroker.SECRET)
            .checker(recording)
            .start(producer);
  }

  @AfterEach
  void tearDown() {
    server.close();
    producer.close();
    proxy.close();
  }

  @Test
  void theProducerDiesAfterItsLocalCommitAndCheckBackCommits() throws Exception {
    SendResult r =
        producer.sendInTransaction(
            order("after-commit"),
            app.barrier()
                .inTransaction(
                    app.dataSource(),
                    (c, m) -> ProducerDatabase.insertOrder(c, "after-commit", m.messageId())));

    assertThat(r.localState()).isEqualTo(TransactionState.COMMIT);
    assertThat(r.state()).as("the commit was lost").isEqualTo(MessageState.PREPARED);
    broker.awaitState(r.messageId(), "COMMITTED");
    assertThat(broker.resolvedBy(r.messageId())).isEqualTo("CHECK_BACK");
    assertThat(answersFor(r.messageId())).containsOnly(TransactionState.COMMIT);
    assertThat(app.orderExists("after-commit")).isTrue();
    assertThat(proxy.seen("POST", "/api/v1/decisions"))
        .isNotEmpty()
        .allMatch(s -> s.upstreamStatus() == 0);
  }

  @Test
  void theProducerDiesBeforeItsLocalCommitAndCheckBackRollsBack() throws Exception {
    assertThatThrownBy(
            () ->
                producer.sendInTransaction(
                    order("before-commit"),
                    app.barrier()
                        .inTransaction(
                            app.dataSource(),
                            (c, m) -> {
                              ProducerDatabase.insertOrder(c, "before-commit", m.messageId());
                              throw new IllegalStateException("killed before commit");
                            })))
        .isInstanceOfSatisfying(
            LocalTransactionException.class,
            e -> {
              broker.awaitState(e.messageId(), "ROLLED_BACK");
              assertThat(broker.resolvedBy(e.messageId())).isEqualTo("CHECK_BACK");
              assertThat(answersFor(e.messageId())).containsOnly(TransactionState.ROLLBACK);
              assertThat(barrierState(e.messageId())).isEqualTo("ROLLBACK");
            });
    assertThat(app.orderExists("before-commit")).isFalse();
    assertThat(proxy.seen("POST", "/api/v1/decisions")).as("no rollback call was made").isEmpty();
  }

  @Test
  void aCheckBackWhileTheLocalTransactionIsOpenWaitsAndAnswersCommit() throws Exception {
    SendResult r =
        producer.sendInTransaction(
            order("race-commit"),
            m -> {
              try (Connection c = app.dataSource().getConnection()) {
                c.setAutoCommit(false);
                app.barrier().insert(c, m.messageId());
                ProducerDatabase.insertOrder(c, "race-commit", m.messageId());
                // Hold the transaction open until the broker's check-back is stuck on its lock.
                await("a check-back blocked on the open transaction")
                    .atMost(TestBroker.PATIENCE)
                    .until(() -> checksStarted.get() > 0 && app.someoneWaitsForALock());
                assertThat(answersFor(m.messageId())).as("no answer while open").isEmpty();
                c.commit();
              }
              return TransactionState.COMMIT;
            });

    broker.awaitState(r.messageId(), "COMMITTED");
    assertThat(broker.resolvedBy(r.messageId())).isEqualTo("CHECK_BACK");
    assertThat(answersFor(r.messageId())).first().isEqualTo(TransactionState.COMMIT);
    assertThat(app.orderExists("race-commit")).isTrue();
  }

  @Test
  void aLocalCommitAfterARollbackAnswerFailsOnTheBarrierAndRollsBackTheBusinessChange()
      throws Exception {
    assertThatThrownBy(
            () ->
                producer.sendInTransaction(
                    order("race-rollback"),
                    m -> {
                      try (Connection c = app.dataSource().getConnection()) {
                        c.setAutoCommit(false);
                        try {
                          ProducerDatabase.insertOrder(c, "race-rollback", m.messageId());
                          // A slow transaction: the check-back comes before its barrier row.
                          broker.awaitState(m.messageId(), "ROLLED_BACK");
                          app.barrier().insert(c, m.messageId());
                          c.commit();
                        } catch (Exception e) {
                          c.rollback();
                          throw e;
                        }
                      }
                      return TransactionState.COMMIT;
                    }))
        .isInstanceOfSatisfying(
            LocalTransactionException.class,
            e -> {
              assertThat(e.getCause()).isInstanceOf(BarrierRolledBackException.class);
              assertThat(broker.resolvedBy(e.messageId())).isEqualTo("CHECK_BACK");
              assertThat(answersFor(e.messageId())).containsOnly(TransactionState.ROLLBACK);
            });
    assertThat(app.orderExists("race-rollback")).isFalse();
  }

  private static Message order(String orderNo) {
    return Message.builder("order_created")
        .keys(orderNo)
        .body("{\"orderNo\":\"" + orderNo + "\"}")
        .build();
  }

  private List<TransactionState> answersFor(String messageId) {
    return answers.stream()
        .filter(a -> a.messageId().equals(messageId))
        .map(Answer::state)
        .toList();
  }

  private static String barrierState(String messageId) {
    try {
      return app.barrierState(messageId).orElse(null);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
