package io.halfmsg.producer.barrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.api.MessageIds;
import io.halfmsg.api.TransactionState;
import io.halfmsg.producer.Message;
import io.halfmsg.producer.testing.ProducerDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The barrier's insert-if-absent answers, including the races with a local transaction that is
 * still open, on each database the barrier supports (see the subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BarrierTransactionCheckerTest {

  ProducerDatabase app;
  BarrierTransactionChecker checker;

  ExecutorService threads;

  /** The producer application's database these tests run on. */
  abstract ProducerDatabase openDatabase() throws SQLException;

  @BeforeAll
  void setUp() throws SQLException {
    app = openDatabase();
    checker = new BarrierTransactionChecker(app.dataSource());
  }

  @AfterAll
  void tearDown() {
    app.close();
  }

  @BeforeEach
  void startThreads() {
    threads = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void withoutARowTheAnswerIsRollbackAndTheMarkerStays() throws Exception {
    String id = MessageIds.newId();

    assertThat(checker.check(id)).isEqualTo(TransactionState.ROLLBACK);
    assertThat(app.barrierState(id)).contains("ROLLBACK");
    assertThat(checker.check(id)).as("asked again").isEqualTo(TransactionState.ROLLBACK);
  }

  @Test
  void aCommittedLocalTransactionAnswersCommit() throws Exception {
    String id = MessageIds.newId();
    try (Connection c = begin()) {
      app.barrier().insert(c, id);
      c.commit();
    }

    assertThat(checker.check(id)).isEqualTo(TransactionState.COMMIT);
    assertThat(checker.check(id)).isEqualTo(TransactionState.COMMIT);
  }

  @Test
  void manyMessagesAreCheckedInOneGoAndAMissingRowStillDecidesRollback() throws Exception {
    String committed1 = MessageIds.newId();
    String committed2 = MessageIds.newId();
    String missing = MessageIds.newId();
    try (Connection c = begin()) {
      app.barrier().insert(c, committed1);
      app.barrier().insert(c, committed2);
      c.commit();
    }

    assertThat(checker.checkAll(java.util.List.of(committed1, missing, committed2)))
        .containsExactly(
            java.util.Map.entry(committed1, TransactionState.COMMIT),
            java.util.Map.entry(missing, TransactionState.ROLLBACK),
            java.util.Map.entry(committed2, TransactionState.COMMIT));
    try (Connection c = begin()) {
      assertThatThrownBy(() -> app.barrier().insert(c, missing))
          .as("the marker the check left keeps a late local transaction from committing")
          .isInstanceOf(BarrierRolledBackException.class);
    }
  }

  @Test
  void aLocalTransactionAfterARollbackAnswerCannotCommit() throws Exception {
    String id = MessageIds.newId();
    assertThat(checker.check(id)).isEqualTo(TransactionState.ROLLBACK);

    try (Connection c = begin()) {
      ProducerDatabase.insertOrder(c, "late-1", id);
      assertThatThrownBy(() -> app.barrier().insert(c, id))
          .isInstanceOfSatisfying(
              BarrierRolledBackException.class,
              e -> {
                assertThat(e.messageId()).isEqualTo(id);
                assertThat(e.getSQLState()).isEqualTo(duplicateKeySqlState());
                assertThat(e.getErrorCode()).isEqualTo(duplicateKeyErrorCode());
              });
      c.rollback();
    }
    assertThat(app.orderExists("late-1")).isFalse();
    assertThat(checker.check(id)).isEqualTo(TransactionState.ROLLBACK);
  }

  @Test
  void aCheckWaitsForAnOpenLocalTransactionAndAnswersCommitWhenItCommits() throws Exception {
    String id = MessageIds.newId();
    try (Connection c = begin()) {
      app.barrier().insert(c, id);
      ProducerDatabase.insertOrder(c, "open-1", id);

      CompletableFuture<TransactionState> answer = checkInBackground(id);
      await("the check waits for the row lock").until(app::someoneWaitsForALock);
      assertThat(answer).isNotDone();

      c.commit();
      assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(TransactionState.COMMIT);
    }
    assertThat(app.barrierState(id)).contains("COMMIT");
  }

  @Test
  void aCheckWaitsForAnOpenLocalTransactionAndAnswersRollbackWhenItRollsBack() throws Exception {
    String id = MessageIds.newId();
    try (Connection c = begin()) {
      app.barrier().insert(c, id);
      ProducerDatabase.insertOrder(c, "open-2", id);

      CompletableFuture<TransactionState> answer = checkInBackground(id);
      await("the check waits for the row lock").until(app::someoneWaitsForALock);

      c.rollback();
      assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(TransactionState.ROLLBACK);
    }
    assertThat(app.barrierState(id)).contains("ROLLBACK");
    assertThat(app.orderExists("open-2")).isFalse();
  }

  @Test
  void concurrentChecksOfATransactionThatRollsBackAllAnswerRollback() throws Exception {
    // When the open transaction rolls back, the waiting inserts all get the shared lock and all
    // want the exclusive one: InnoDB kills all but one as deadlocked. Each must still answer.
    String id = MessageIds.newId();
    List<CompletableFuture<TransactionState>> answers = new ArrayList<>();
    try (Connection c = begin()) {
      app.barrier().insert(c, id);
      for (int i = 0; i < 4; i++) {
        answers.add(checkInBackground(id));
      }
      await("all four wait for the row lock").until(() -> app.lockWaiters() == 4);

      c.rollback();
    }
    for (CompletableFuture<TransactionState> answer : answers) {
      assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(TransactionState.ROLLBACK);
    }
  }

  @Test
  void aLocalTransactionOpenLongerThanTheLockWaitIsUnknownAndCanStillCommit() throws Exception {
    BarrierTransactionChecker impatient =
        new BarrierTransactionChecker(app.dataSource(), app.barrier(), Duration.ofSeconds(1));
    String id = MessageIds.newId();
    try (Connection c = begin()) {
      app.barrier().insert(c, id);

      long started = System.nanoTime();
      assertThat(impatient.check(id)).isEqualTo(TransactionState.UNKNOWN);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(Duration.ofMillis(900));

      c.commit();
    }
    assertThat(impatient.check(id)).isEqualTo(TransactionState.COMMIT);
  }

  @Test
  void theSessionLockWaitTimeoutOfThePooledConnectionIsRestored() throws Exception {
    try (HikariDataSource single = app.pool(1)) {
      long before = app.sessionLockWait(single);
      assertThat(before)
          .isNotIn(
              (long) BarrierTransactionChecker.DEFAULT_LOCK_WAIT_SECONDS,
              BarrierTransactionChecker.DEFAULT_LOCK_WAIT_SECONDS * 1000L);

      new BarrierTransactionChecker(single).check(MessageIds.newId());

      assertThat(app.sessionLockWait(single)).isEqualTo(before);
    }
  }

  @Test
  void inTransactionWritesTheBusinessChangeAndTheRowTogether() throws Exception {
    Message committed = Message.builder("t").body("x").messageId(MessageIds.newId()).build();
    Message failed = Message.builder("t").body("x").messageId(MessageIds.newId()).build();

    TransactionState state =
        app.barrier()
            .inTransaction(
                app.dataSource(), (c, m) -> ProducerDatabase.insertOrder(c, "tx-1", m.messageId()))
            .execute(committed);
    assertThatThrownBy(
            () ->
                app.barrier()
                    .inTransaction(
                        app.dataSource(),
                        (c, m) -> {
                          ProducerDatabase.insertOrder(c, "tx-2", m.messageId());
                          throw new IllegalStateException("out of stock");
                        })
                    .execute(failed))
        .hasMessage("out of stock");

    assertThat(state).isEqualTo(TransactionState.COMMIT);
    assertThat(app.orderExists("tx-1")).isTrue();
    assertThat(checker.check(committed.messageId())).isEqualTo(TransactionState.COMMIT);
    assertThat(app.orderExists("tx-2")).isFalse();
    assertThat(checker.check(failed.messageId())).isEqualTo(TransactionState.ROLLBACK);
  }

  @Test
  void aTableOfAnotherNameWorksTheSame() throws Exception {
    BarrierTable custom = new BarrierTable("orders_barrier");
    custom.create(app.dataSource());
    custom.verify(app.dataSource());
    BarrierTransactionChecker customChecker =
        new BarrierTransactionChecker(app.dataSource(), custom, Duration.ofSeconds(2));
    String id = MessageIds.newId();
    try (Connection c = begin()) {
      custom.insert(c, id);
      c.commit();
    }

    assertThat(custom.ddl()).contains("CREATE TABLE IF NOT EXISTS orders_barrier (");
    assertThat(customChecker.check(id)).isEqualTo(TransactionState.COMMIT);
    assertThat(customChecker.check(MessageIds.newId())).isEqualTo(TransactionState.ROLLBACK);
    assertThat(checker.check(id))
        .as("the default table knows nothing")
        .isEqualTo(TransactionState.ROLLBACK);
  }

  @Test
  void namesThatCouldCarrySqlAreRefused() {
    assertThatThrownBy(() -> new BarrierTable("barrier; DROP TABLE t_order"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BarrierTable("1barrier"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BarrierTable("missing").verify(app.dataSource()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("io/halfmsg/producer/barrier/halfmsg_barrier-mysql.sql");
  }

  private CompletableFuture<TransactionState> checkInBackground(String id) {
    return CompletableFuture.supplyAsync(() -> checker.check(id), threads);
  }

  abstract String duplicateKeySqlState();

  abstract int duplicateKeyErrorCode();

  private Connection begin() throws SQLException {
    Connection c = app.dataSource().getConnection();
    c.setAutoCommit(false);
    return c;
  }
}
