package io.halfmsg.broker.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerTest;
import io.halfmsg.broker.MessageRows;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.time.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The claim every scanner shares ({@link ClaimingScanner#claim}), for each of the three claims:
 * rows another transaction holds are skipped, not waited for (SKIP LOCKED), and a claimed row is
 * claimed once: the second caller gets none of it until the lease runs out, on the broker's clock
 * (a {@link MutableClock} here), and then every caller may claim it again. The scanners do not run
 * on their own here; the test calls their claims.
 */
@BrokerTest(properties = {"halfmsg.check-back.enabled=false", "halfmsg.delivery.enabled=false"})
class ClaimTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @TestConfiguration
  static class Clocks {
    @Bean
    @Primary
    MutableClock testClock() {
      return new MutableClock(START);
    }
  }

  @Autowired ApplicationContext context;
  @Autowired MutableClock clock;

  /** Which rows each scanner's claim takes, and how to make one due. */
  private static final Map<String, String> DUE_ROW =
      Map.of(
          "checkBackScanner", "PREPARED",
          "forwardRecoveryScanner", "COMMITTED",
          "redeliveryScanner", "DELIVERY");

  @BeforeEach
  void empty() throws SQLException {
    clock.set(START);
    try (Connection c = db.connect()) {
      c.createStatement().executeUpdate("DELETE FROM hm_delivery");
      c.createStatement().executeUpdate("DELETE FROM hm_message");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"checkBackScanner", "forwardRecoveryScanner", "redeliveryScanner"})
  void aClaimSkipsRowsAnotherTransactionHoldsAndClaimsEachRowOnce(String scannerName)
      throws Exception {
    ClaimingScanner<?, ?> scanner = context.getBean(scannerName, ClaimingScanner.class);
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(insertDue(DUE_ROW.get(scannerName)));
    }
    String table = scannerName.equals("redeliveryScanner") ? "hm_delivery" : "hm_message";

    try (Connection other = db.connect()) {
      // Another instance's claim transaction, still open, holding the first two rows.
      MessageRows.lock(other, table, "id", ids.get(0), ids.get(1));

      List<?> first = scanner.claim(10);
      assertThat(first).as("the four rows nobody holds, at once").hasSize(4);
      assertThat(versions(table, ids.subList(2, 6))).as("leased: version bumped").containsOnly(1);

      other.rollback();
    }

    assertThat(scanner.claim(10)).as("only the two that were held").hasSize(2);
    assertThat(scanner.claim(10)).as("claimed once: the lease keeps them").isEmpty();

    clock.set(START.plus(Duration.ofHours(1)));
    assertThat(scanner.claim(10)).as("the lease ran out: claimable again").hasSize(6);
    assertThat(versions(table, ids)).as("claimed twice: version bumped twice").containsOnly(2);
    assertThat(scanner.claim(10)).as("and leased again").isEmpty();
  }

  private long insertDue(String kind) throws SQLException {
    String messageId = UUID.randomUUID().toString();
    String state = kind.equals("DELIVERY") ? "FORWARDED" : kind;
    long id = MessageRows.insert(db, messageId, state, 0, "2000-01-01 00:00:00");
    if (!kind.equals("DELIVERY")) {
      return id;
    }
    return MessageRows.insertDelivery(db, messageId, "cg", "PENDING", 1, "2000-01-01 00:00:00");
  }

  private List<Integer> versions(String table, List<Long> ids) throws SQLException {
    List<Integer> versions = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT version FROM " + table + " WHERE id = ?")) {
      for (long id : ids) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          versions.add(rs.getInt(1));
        }
      }
    }
    return versions;
  }
}
