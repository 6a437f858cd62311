package io.halfmsg.broker.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.api.logging.LogContext;
import io.halfmsg.testsupport.db.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A scanner whose claim fails with an Error (not an exception) keeps scanning at the next poll: an
 * Error escaping a scheduled task would cancel every later run of it, silently.
 */
class ScannerFailureTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @Test
  void anErrorInAScanIsCountedAndTheNextPollScansAgain() {
    AtomicInteger claims = new AtomicInteger();
    FailingScanner scanner = new FailingScanner(claims);
    scanner.start();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> claims.get() >= 3);
      assertThat(scanner.failures()).isGreaterThanOrEqualTo(2);
    } finally {
      scanner.stop();
    }
  }

  /** Claims nothing: its first claims throw an Error, the later ones find no rows. */
  private static final class FailingScanner extends ClaimingScanner<Long, Long> {
    private final AtomicInteger claims;

    FailingScanner(AtomicInteger claims) {
      super(
          "failing-scanner",
          new Settings(Duration.ofMillis(50), 10, 1, Duration.ofSeconds(30), true),
          transactions(),
          Clock.systemUTC());
      this.claims = claims;
    }

    private static TransactionTemplate transactions() {
      DriverManagerDataSource dataSource =
          new DriverManagerDataSource(db.jdbcUrl(), db.user(), db.password());
      return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @Override
    protected List<Long> lockDue(Instant now, int limit) {
      if (claims.incrementAndGet() <= 2) {
        throw new AssertionError("an Error, not an exception (on purpose)");
      }
      return List.of();
    }

    @Override
    protected long idOf(Long row) {
      return row;
    }

    @Override
    protected int extendLease(List<Long> ids, Instant leaseUntil) {
      return ids.size();
    }

    @Override
    protected List<Long> toWork(List<Long> claimed, Instant now) {
      return claimed;
    }

    @Override
    protected LogContext logContext(Long item) {
      return LogContext.producer(null, null);
    }

    @Override
    protected void process(Long item) {}
  }
}
