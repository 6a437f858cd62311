package io.halfmsg.benchmarks;

import org.HdrHistogram.Histogram;

/**
 * What one round measured.
 *
 * @param load producer threads (closed loop) or offered messages per second (open loop)
 * @param messages messages the round set out to send (open loop: scheduled)
 * @param sent sends whose local transaction committed
 * @param failed sends that failed or did not commit locally
 * @param consumed messages whose handler ran (within the round's time limit)
 * @param seconds closed loop: first send to last consumer commit; open loop: first scheduled send
 *     to the last handler call
 * @param latency closed loop: local commit → handler; open loop: scheduled send → handler
 * @param late open loop: messages still under way at the cut-off, counted at the cut-off (so their
 *     latencies are lower bounds); closed loop: 0
 * @param cpuMillisPerMessage per process, in the order of {@link Processes#all()}
 * @param jitMillisPerMessage of that CPU, what the JVMs' JIT compiler threads used, all together
 */
record RoundResult(
    String loop,
    String workload,
    String mode,
    int load,
    int round,
    long messages,
    long sent,
    long failed,
    long consumed,
    double seconds,
    Histogram latency,
    long late,
    double[] cpuMillisPerMessage,
    double jitMillisPerMessage) {

  double perSecond() {
    return consumed / seconds;
  }

  boolean complete() {
    return failed == 0 && consumed >= messages && late == 0;
  }

  double p(double percentile) {
    return LatencyRecorder.millis(latency, percentile);
  }

  /** The share of all processes' CPU that went to compiling code: high while the JIT warms up. */
  double jitShare() {
    double total = cpuTotal();
    return total > 0 ? jitMillisPerMessage / total : 0;
  }

  double cpuTotal() {
    double t = 0;
    for (double v : cpuMillisPerMessage) {
      t += Double.isNaN(v) ? 0 : v;
    }
    return t;
  }
}
