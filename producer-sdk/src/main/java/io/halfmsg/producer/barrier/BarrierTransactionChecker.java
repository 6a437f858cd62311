package io.halfmsg.producer.barrier;

import io.halfmsg.api.CheckBackRequest;
import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.TransactionState;
import io.halfmsg.api.jdbc.JdbcTransaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private static final int ATTEMPTS = 3;

  private final DataSource dataSource;
  private final BarrierTable table;
  private final Duration lockWait;

  /** A checker on the default table, waiting up to {@value #DEFAULT_LOCK_WAIT_SECONDS} s. */
  public BarrierTransactionChecker(DataSource dataSource) {
    this(dataSource, new BarrierTable(), Duration.ofSeconds(DEFAULT_LOCK_WAIT_SECONDS));
  }

  /**
   * @param dataSource the database of the local transactions
   * @param table the barrier table they write
   * @param lockWaitTimeout how long a check waits for an open local transaction; on MySQL whole
   *     seconds, at least 1 (InnoDB's unit), rounded up. Keep it below the broker's {@code
   *     halfmsg.check-back.request-timeout} (5 s), or the broker stops listening first.
   */
  public BarrierTransactionChecker(
      DataSource dataSource, BarrierTable table, Duration lockWaitTimeout) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.table = Objects.requireNonNull(table, "table");
    this.lockWait = Objects.requireNonNull(lockWaitTimeout, "lockWaitTimeout");
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
        return decide(c, BarrierDialect.of(c), messageId);
      } finally {
        if (!autoCommit) {
          JdbcTransaction.restoreAutoCommit(c, false);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Barrier check of message " + messageId + " failed", e);
    }
  }

  /**
   * Like {@link #check(String)} for many messages: one read of the rows that exist, and the
   * insert-if-absent decision only for the others (rare after their transactions committed: a send
   * in a rolled-back savepoint).
   *
   * @throws IllegalStateException if the database fails
   */
  public Map<String, TransactionState> checkAll(List<String> messageIds) {
    Map<String, TransactionState> answers = new LinkedHashMap<>();
    if (messageIds.isEmpty()) {
      return answers;
    }
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      if (!autoCommit) {
        c.setAutoCommit(true);
      }
      try {
        Map<String, String> states = table.statesOf(c, messageIds);
        for (String id : messageIds) {
          String state = states.get(id);
          answers.put(id, state != null ? answer(state) : decide(c, BarrierDialect.of(c), id));
        }
        return answers;
      } finally {
        if (!autoCommit) {
          JdbcTransaction.restoreAutoCommit(c, false);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Barrier check of " + messageIds.size() + " messages failed", e);
    }
  }

  private TransactionState decide(Connection c, BarrierDialect dialect, String messageId)
      throws SQLException {
    // Restored afterwards because pooled connections carry session state to their next user.
    long previousWait = dialect.lockWait(c);
    dialect.setLockWait(c, dialect.lockWaitValue(lockWait));
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
          if (dialect.isLockWaitTimeout(e)) {
            log.debug("Local transaction of {} still open after {}", messageId, lockWait);
            return TransactionState.UNKNOWN;
          }
          if (!dialect.isDeadlock(e)) {
            throw e;
          }
          // Two checks of one message waited on the same open transaction; when it rolled back,
          // both got the shared lock and both wanted the exclusive one. The database picked this
          // one as the victim; the other has decided, so the next attempt reads its answer.
          log.debug("Deadlock checking {}; attempt {}", messageId, attempt);
        }
      }
      return TransactionState.UNKNOWN;
    } finally {
      dialect.setLockWait(c, previousWait);
    }
  }

  private static TransactionState answer(String state) {
    return switch (state) {
      case BarrierTable.COMMIT -> TransactionState.COMMIT;
      case BarrierTable.ROLLBACK -> TransactionState.ROLLBACK;
      default -> TransactionState.UNKNOWN;
    };
  }

  @Override
  public String toString() {
    return "BarrierTransactionChecker[" + table.name() + ", lockWait=" + lockWait + "]";
  }
}
