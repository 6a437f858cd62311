package io.halfmsg.benchmarks;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies of one round, recorded from many threads at once (HdrHistogram's {@link Recorder}: no
 * lock on the recording path), in microseconds from 1 µs up to 10 minutes at 3 significant digits.
 */
final class LatencyRecorder {

  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final Recorder recorder = new Recorder(1, MAX_MICROS, 3);
  private final Histogram total = new Histogram(1, MAX_MICROS, 3);

  void recordNanos(long nanos) {
    recorder.recordValue(Math.min(MAX_MICROS, Math.max(1, nanos / 1_000)));
  }

  /** Everything recorded since the last call, added to what earlier calls returned. */
  synchronized Histogram snapshot() {
    total.add(recorder.getIntervalHistogram());
    return total.copy();
  }

  /** Starts over for the next round. */
  synchronized void reset() {
    recorder.reset();
    total.reset();
  }

  static double millis(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
