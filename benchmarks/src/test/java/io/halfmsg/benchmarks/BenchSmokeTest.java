package io.halfmsg.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The whole benchmark at a tiny size, with its real processes (RocketMQ, the broker's executable
 * jar, MariaDB): it must finish with every message consumed in both modes and leave no process
 * behind. No timing is asserted; the numbers of such a small, cold run mean nothing.
 */
class BenchSmokeTest {

  @Test
  void everyMessageIsConsumedInBothModes() throws Exception {
    Properties p = new Properties();
    // bench.brokerJar and bench.outputDir come from the build (surefire's systemPropertyVariables).
    p.putAll(System.getProperties());
    p.setProperty("bench.smoke", "true");
    p.setProperty("bench.command", "./mvnw -pl benchmarks -am verify -Dtest=BenchSmokeTest");
    BenchSettings settings = BenchSettings.from(p);

    BenchReport report = new SdkBenchmark(settings).run();

    assertThat(report.results())
        .extracting(RoundResult::mode)
        .containsOnly("native", "halfmsg", "halfmsg-spring", "halfmsg-ordered")
        .contains("native", "halfmsg", "halfmsg-spring", "halfmsg-ordered");
    assertThat(report.results())
        .extracting(RoundResult::loop, RoundResult::workload, RoundResult::mode)
        .contains(
            tuple("closed", "order", "halfmsg"),
            tuple("closed", "messaging-only", "halfmsg"),
            tuple("closed", "messaging-only", "halfmsg-ordered"),
            tuple("open", "order", "halfmsg"));
    for (RoundResult r : report.results()) {
      assertThat(r.failed()).as("failed sends of %s", r).isZero();
      assertThat(r.sent()).as("sends of %s", r).isEqualTo(r.messages());
      assertThat(r.consumed()).as("messages consumed in %s", r).isEqualTo(r.messages());
      assertThat(r.late()).as("late messages of %s", r).isZero();
    }
    assertThat(report.checks()).isNotEmpty().allMatch(DatabaseCheck::passed);
    // At this size the heap figures mean nothing; that every message went in time does.
    assertThat(report.bursts())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.delivered()).as("delayed burst %s", b).isTrue();
              assertThat(b.handled()).isEqualTo(b.messages());
              assertThat(b.heapBefore()).isPositive();
            });
    assertThat(report.allComplete()).isTrue();
    assertThat(report.file()).exists();
    assertThat(Files.readString(report.file()))
        .contains("| order | 4 | native |")
        .contains("| messaging-only | 4 | halfmsg-ordered | halfmsg (unordered) |")
        .contains("## Delayed bursts");

    // Every process the run started has been stopped.
    Path pids = settings.outputDir().resolve("children.pids");
    for (String pid : Files.readAllLines(pids)) {
      assertThat(ProcessHandle.of(Long.parseLong(pid.trim())).filter(ProcessHandle::isAlive))
          .as("process %s", pid)
          .isEmpty();
    }
  }
}
