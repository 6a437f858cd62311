package io.halfmsg.standalone.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.halfmsg.demo.scenario.Summary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The demo as the README's one command runs it — broker on H2, embedded RocketMQ, both services on
 * their own H2 databases, all in this JVM — ends CONSISTENT, with rollbacks and lost commits that
 * check-back resolved.
 */
class StandaloneDemoTest {

  @Test
  void theScenarioEndsConsistentOnEmbeddedDatabases() {
    try (StandaloneDemo demo = StandaloneDemo.start(DemoPorts.FREE, false)) {
      Summary summary = demo.runScenario(20, 2, Duration.ofSeconds(60));

      assertThat(summary.problems()).isEmpty();
      assertThat(summary.consistent()).isTrue();
      assertThat(summary.committed()).isEqualTo(12);
      assertThat(summary.rolledBack()).isEqualTo(8);
      assertThat(summary.lostCommits()).isEqualTo(2);
      assertThat(summary.resolvedByCheckBack())
          .as("the lost commits were resolved by asking order-service")
          .isGreaterThanOrEqualTo(2);
      assertThat(summary.deducted()).isEqualTo(summary.ordered()).isNotEmpty();
      assertThat(summary.duplicatesAbsorbed())
          .as("redeliveries before repo-service's held-back acks")
          .isPositive();
    }
  }

  @Test
  void theCommandPrintsTheSummaryAndExitsZeroWhenConsistent() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    int code =
        DemoCommand.run(
            new PrintStream(printed, true, StandardCharsets.UTF_8),
            DemoCommand.Options.parse("--orders=6", "--lost-commits=1"));

    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    assertThat(out)
        .contains("order-service  http://127.0.0.1:")
        .contains("6 orders placed")
        .contains("orders rolled back")
        .contains("messages resolved by check-back")
        .endsWith("s)\n")
        .contains("\nCONSISTENT\n");
  }

  @Test
  void badArgumentsAreRefusedWithTheirReason() {
    assertThat(DemoCommand.Options.parse().orders()).isEqualTo(20);
    assertThat(DemoCommand.Options.parse("--stay").ports()).isEqualTo(DemoPorts.WELL_KNOWN);
    assertThat(DemoCommand.Options.parse().ports()).isEqualTo(DemoPorts.FREE);
    assertThatThrownBy(() -> DemoCommand.Options.parse("--orders=0"))
        .hasMessageContaining("--orders");
    assertThatThrownBy(() -> DemoCommand.Options.parse("--lost-commits=5", "--orders=2"))
        .hasMessageContaining("--lost-commits");
    assertThatThrownBy(() -> DemoCommand.Options.parse("-x"))
        .hasMessageContaining("unknown argument: -x");
  }
}
