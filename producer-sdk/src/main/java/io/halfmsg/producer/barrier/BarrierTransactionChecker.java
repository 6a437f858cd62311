package io.halfmsg.producer.barrier;

import io.halfmsg.api.CheckBackRequest;
import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.TransactionState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers check-backs from the {@link BarrierTable}, with no application code: the automatic
 * check-back of DTM's two-phase messages, and the replacement for a hand-written RocketMQ {@code
 * checkLocalTransaction}.
 *
 * <p>The answer comes from the insert-if-absent trick on the table's primary key:
 *
 * <ol>
 *   <li>A committed row answers at once: {@code COMMIT} if the local transaction wrote it, {@code
 *       ROLLBACK} if an earlier check-back left its marker.
 *   <li>Otherwise {@code INSERT IGNORE} a {@code ROLLBACK} marker. If the local transaction is
 *       still open, its uncommitted row holds the key's lock and the insert waits for it to end: it
 *       committed → the insert is ignored → {@code COMMIT}; it rolled back → the marker goes in.
 *   <li>The marker went in → {@code ROLLBACK}. The local transaction can now never commit: should
 *       it still write its row, that insert fails on the primary key ({@link
 *       BarrierRolledBackException}) and the business change rolls back with it.
 * </ol>
 *
 * <p>If the local transaction stays open longer than the lock wait timeout (default {@value
 * #DEFAULT_LOCK_WAIT_SECONDS} s, below the broker's check-back request timeout), the answer is
 * {@code UNKNOWN} and the broker asks again later. Thread-safe.
 */
public final class BarrierTransactionChecker implements TransactionChecker {

  /** Seconds a check waits for an open local transaction unless configured otherwise. */
  public static final int DEFAULT_LOCK_WAIT_SECONDS = 3;

  private static final Logger log = LoggerFactory.getLogger(BarrierTransactionChecker.class);
  private static final int LOCK_WAIT_TIMEOUT = 1205;
  private static final int DEADLOCK = 1213;
  private static final int ATTEMPTS = 3;

  private final DataSource dataSource;
  private final BarrierTable table;
  private final long lockWaitSeconds;

  /** A checker on the default table, waiting up to {@value #DEFAULT_LOCK_WAIT_SECONDS} s. */
  public BarrierTransactionChecker(DataSource dataSource) {
    this(dataSource, new BarrierTable(), Duration.ofSeconds(DEFAULT_LOCK_WAIT_SECONDS));
  }

  /**
   * @param dataSource the database of the local transactions
   * @param table the barrier table they write
   * @param lockWaitTimeout how long a check waits for an open local transaction; whole seconds, at
   *     least 1 (InnoDB's unit). Keep it below the broker's {@code
   *     halfmsg.check-back.request-timeout} (5 s), or the broker stops listening first.
   */
  public BarrierTransactionChecker(
      DataSource dataSource, BarrierTable table, Duration lockWaitTimeout) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.table = Objects.requireNonNull(table, "table");
    long seconds =
        (Objects.requireNonNull(lockWaitTimeout, "lockWaitTimeout").toMillis() + 999) / 1000;
    this.lockWaitSeconds = Math.max(1, seconds);
  }

  @Override
  public TransactionState check(CheckBackRequest request) {
    return check(request.messageId());
  }

  /**
   * The outcome of the local transaction of {@code messageId}, deciding it as ROLLBACK if it never
   * wrote its barrier row.
   *
   * @throws IllegalStateException if the database fails (a check-back host answers UNKNOWN)
   */
  public TransactionState check(String messageId) {
    Objects.requireNonNull(messageId, "messageId");
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      // Every statement in its own transaction: the marker's locks (InnoDB takes a next-key lock
      // on a duplicate, gap included, even under READ COMMITTED) are held for one statement only,
      // and each read sees the latest committed rows rather than an old snapshot.
      if (!autoCommit) {
        c.setAutoCommit(true);
      }
      try {
        Optional<String> state = table.stateOf(c, messageId);
        if (state.isPresent()) {
          return answer(state.get());
        }
        return decide(c, messageId);
      } finally {
        if (!autoCommit) {
          BarrierTable.restoreAutoCommit(c, false);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Barrier check of message " + messageId + " failed", e);
    }
  }

  private TransactionState decide(Connection c, String messageId) throws SQLException {
    long previousTimeout = lockWaitTimeout(c);
    setLockWaitTimeout(c, lockWaitSeconds);
    try {
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        try {
          if (table.insertRollbackMarker(c, messageId)) {
            return TransactionState.ROLLBACK;
          }
          Optional<String> state = table.stateOf(c, messageId);
          if (state.isPresent()) {
            return answer(state.get());
          }
          // Deleted between the two statements (a purge): look again.
        } catch (SQLException e) {
          if (e.getErrorCode() == LOCK_WAIT_TIMEOUT) {
            log.debug("Local transaction of {} still open after {} s", messageId, lockWaitSeconds);
            return TransactionState.UNKNOWN;
          }
          if (e.getErrorCode() != DEADLOCK) {
            throw e;
          }
          // Two checks of one message waited on the same open transaction; when it rolled back,
          // both got the shared lock and both wanted the exclusive one. InnoDB picked this one as
          // the victim; the other has decided, so the next attempt reads its answer.
          log.debug("Deadlock checking {}; attempt {}", messageId, attempt);
        }
      }
      return TransactionState.UNKNOWN;
    } finally {
      setLockWaitTimeout(c, previousTimeout);
    }
  }

  private static TransactionState answer(String state) {
    return switch (state) {
      case BarrierTable.COMMIT -> TransactionState.COMMIT;
      case BarrierTable.ROLLBACK -> TransactionState.ROLLBACK;
      default -> TransactionState.UNKNOWN;
    };
  }

  private static long lockWaitTimeout(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT @@SESSION.innodb_lock_wait_timeout")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  // The session variable, not a per-statement hint: MySQL has no SET STATEMENT. It is restored
  // afterwards because pooled connections carry session state to their next user.
  private static void setLockWaitTimeout(Connection c, long seconds) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET SESSION innodb_lock_wait_timeout = " + seconds);
    }
  }

  @Override
  public String toString() {
    return "BarrierTransactionChecker[" + table.name() + ", lockWait=" + lockWaitSeconds + "s]";
  }
}
