package io.halfmsg.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.chaos.Invariants.Check;
import io.halfmsg.process.OutputDirectory;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The chaos run: orders flow through order-service → halfmsg → RocketMQ → repo-service while every
 * process is killed at its worst moment, then the guarantees are checked in SQL. The build runs one
 * round of faults (a few minutes); {@code scripts/chaos.sh --duration=30m} runs rounds for as long
 * as asked. The report goes to stdout and to {@code chaos/target/chaos/report.md}; the processes'
 * logs are beside it.
 */
class ChaosTest {

  /** Far more than any run orders, so that a deduction never fails for want of stock. */
  private static final long STOCK = 100_000_000L;

  @Test
  void everyGuaranteeHoldsWhileEveryProcessIsKilled() throws Exception {
    ChaosSettings settings = ChaosSettings.fromSystemProperties();
    OutputDirectory.empty(settings.outputDir());
    try (ChaosStack stack = ChaosStack.start(settings);
        OrderTraffic traffic = new OrderTraffic(stack.orderServiceUrl, settings.clients())) {
      try (Connection c = stack.db.connect();
          PreparedStatement insert =
              c.prepareStatement(
                  "INSERT IGNORE INTO "
                      + ChaosStack.REPO_DB
                      + ".stock (product, available)"
                      + " VALUES (?, 0)");
          Statement s = c.createStatement()) {
        for (String product : ChaosStack.PRODUCTS) {
          insert.setString(1, product);
          insert.addBatch();
        }
        insert.executeBatch();
        s.executeUpdate(
            "UPDATE " + ChaosStack.REPO_DB + ".stock SET available = " + STOCK + ", deducted = 0");
      }
      FaultInjector injector = new FaultInjector(stack, traffic, settings.calmOrders());
      traffic.start(settings.rate());
      Instant start = Instant.now();
      do {
        injector.round();
      } while (Duration.between(start, Instant.now()).compareTo(settings.duration()) < 0);
      traffic.stop();
      Instant faultsEnded = Instant.now();

      boolean quiesced = awaitQuiescence(stack, settings.quiescence());
      Duration quiescence = Duration.between(faultsEnded, Instant.now());
      try (Connection c = stack.db.connect()) {
        List<Check> checks = new ArrayList<>(new Invariants(c).all(traffic, STOCK));
        checks.add(Invariants.noUnexpectedBrokerErrors(List.of(stack.brokerA, stack.brokerB)));
        checks.add(Invariants.noSecretsShown(stack, aCheckedBackMessage(c)));
        String report =
            ChaosReport.render(
                settings,
                Duration.between(start, faultsEnded),
                quiescence,
                quiesced,
                traffic,
                injector,
                checks,
                c);
        System.out.println(report);
        Files.writeString(settings.outputDir().resolve("report.md"), report);

        assertThat(quiesced).as("every message settled (see report.md)").isTrue();
        assertThat(injector.violations()).as("process faults (see report.md)").isEmpty();
        assertThat(checks)
            .as("guarantees (see report.md)")
            .allSatisfy(check -> assertThat(check.violations()).as(check.guarantee()).isZero());
      }
    }
  }

  /** A message with check-back history, whose page shows the most. */
  private static String aCheckedBackMessage(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT message_id FROM "
                    + ChaosStack.BROKER_DB
                    + ".hm_message_event WHERE event = 'CHECK_BACK' LIMIT 1")) {
      return rs.next() ? rs.getString(1) : "none";
    }
  }

  /**
   * Until no message waits for a decision or a forward, no delivery for an ack, and no message
   * holds its sharding key.
   */
  private static boolean awaitQuiescence(ChaosStack stack, Duration atMost) {
    try {
      await("every message decided, forwarded and acked")
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> unsettled(stack) == 0);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  private static long unsettled(ChaosStack stack) throws SQLException {
    try (Connection c = stack.db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT COUNT(*) FROM "
                    + ChaosStack.BROKER_DB
                    + ".hm_message WHERE state IN ('PREPARED', 'COMMITTED'))"
                    + " + (SELECT COUNT(*) FROM "
                    + ChaosStack.BROKER_DB
                    + ".hm_delivery WHERE state = 'PENDING')"
                    + " + (SELECT COUNT(*) FROM "
                    + ChaosStack.BROKER_DB
                    + ".hm_key_queue)")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
