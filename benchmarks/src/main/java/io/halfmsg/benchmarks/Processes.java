package io.halfmsg.benchmarks;

import java.util.List;

/** The processes whose CPU time each round reports, read together before and after it. */
final class Processes {

  private final List<ProcessCpu> all;

  Processes(List<ProcessCpu> all) {
    this.all = List.copyOf(all);
  }

  List<ProcessCpu> all() {
    return all;
  }

  double[] cpuSeconds() {
    double[] s = new double[all.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = all.get(i).seconds();
    }
    return s;
  }

  /** JIT compiler CPU seconds of all processes together (the JVMs'; 0 for the database). */
  double jitSeconds() {
    return all.stream().mapToDouble(ProcessCpu::jitSeconds).sum();
  }

  /** CPU milliseconds per message of each process between two readings. */
  static double[] perMessageMillis(double[] before, double[] after, long messages) {
    double[] ms = new double[before.length];
    for (int i = 0; i < ms.length; i++) {
      ms[i] = (after[i] - before[i]) * 1000.0 / Math.max(1, messages);
    }
    return ms;
  }
}
