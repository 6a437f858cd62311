package io.halfmsg.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

  @Test
  void defaultsAreTheFullRun() {
    BenchSettings s = BenchSettings.from(new Properties());

    assertThat(s.threads()).containsExactly(16, 64);
    assertThat(s.messages()).isEqualTo(10_000);
    assertThat(s.rounds()).isEqualTo(2);
    assertThat(s.openLoopRates()).containsExactly(200, 1000, 3000);
    assertThat(s.connectionsNeeded()).isEqualTo(20 + 40 + 20 + 40 + 1);
  }

  @Test
  void smokeChangesTheDefaultsButExplicitSettingsWin() {
    Properties p = new Properties();
    p.setProperty("bench.messages", "300");

    BenchSettings s = BenchSettings.from(p, "--smoke", "--bench.threads=2,3");

    assertThat(s.messages()).isEqualTo(300);
    assertThat(s.threads()).containsExactly(2, 3);
    assertThat(s.rounds()).isEqualTo(1);
    assertThat(s.openLoopRates()).containsExactly(100);
    assertThat(s.childJvmArgs()).containsExactly("-XX:TieredStopAtLevel=1");
  }

  @Test
  void withoutTheOrderWorkloadNoSpringPoolIsNeeded() {
    Properties p = new Properties();
    p.setProperty("bench.workloads", "messaging-only");

    BenchSettings s = BenchSettings.from(p);

    assertThat(s.runsSpring()).isFalse();
    assertThat(s.connectionsNeeded()).isEqualTo(20 + 40 + 20 + 1);
  }

  @Test
  void unknownArgumentsAreRefused() {
    assertThatThrownBy(() -> BenchSettings.from(new Properties(), "--fast"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--fast");
  }

  @Test
  void medianOfAnEvenNumberOfRoundsIsTheMeanOfTheMiddleTwo() {
    List<RoundResult> rounds = List.of(round(4), round(1), round(3), round(2));

    assertThat(BenchReport.median(rounds, RoundResult::seconds)).isEqualTo(2.5);
    assertThat(BenchReport.median(rounds.subList(0, 3), RoundResult::seconds)).isEqualTo(3.0);
  }

  private static RoundResult round(double seconds) {
    return new RoundResult(
        "closed", "order", "native", 1, 1, 1, 1, 0, 1, seconds, null, 0, new double[0], 0);
  }
}
