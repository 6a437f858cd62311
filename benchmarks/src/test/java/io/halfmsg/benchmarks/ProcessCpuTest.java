package io.halfmsg.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

  @Test
  void readsThisProcessesCpuTimeAndItGrows() {
    ProcessCpu self = new ProcessCpu("test", ProcessHandle.current().pid());
    double before = self.seconds();
    long x = 0;
    // Work until the next clock tick (10 ms) is counted; on a busy machine that takes longer, so
    // the loop ends on the condition, with a generous bound instead of a fixed time.
    // At least one round of work: the clock may tick between the first two reads already.
    long end = System.nanoTime() + 30_000_000_000L;
    do {
      for (int i = 0; i < 100_000; i++) {
        x += i % 7;
      }
    } while (self.seconds() <= before && System.nanoTime() < end);

    assertThat(x).isPositive();
    assertThat(before).isPositive();
    assertThat(self.seconds()).isGreaterThan(before);
  }

  @Test
  void countsTheJitCompilersOfThisJvmAsPartOfItsCpu() {
    ProcessCpu self = new ProcessCpu("test", ProcessHandle.current().pid());

    // Starting JUnit alone compiles thousands of methods: well over one 10 ms clock tick.
    double jit = self.jitSeconds();
    assertThat(jit).isPositive();
    assertThat(jit).isLessThanOrEqualTo(self.seconds());
  }

  @Test
  void aProcessThatIsGoneHasNoJitTime() {
    assertThat(new ProcessCpu("gone", Long.MAX_VALUE).jitSeconds()).isZero();
  }

  @Test
  void aProcessThatIsGoneReadsAsNotANumber() {
    assertThat(new ProcessCpu("gone", Long.MAX_VALUE).seconds()).isNaN();
  }
}
