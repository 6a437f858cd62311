package io.halfmsg.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * The order of the rounds: per workload and thread count, native and halfmsg alternate (and take
 * turns going first), so that slow drifts of the shared machine hit both modes alike. Unmeasured
 * warm-up rounds of each mode come first, until the mode is steady (see {@link #warmUp}): what is
 * measured is a server that has been running for a while, as in production, not its JIT at work.
 */
final class RoundRunner {

  private final BenchSettings s;
  private final List<RoundResult> results;
  private final ClosedLoopRound closed;
  private final OpenLoopRound open;
  private final java.util.Map<String, Long> sentByMode = new java.util.HashMap<>();
  private final List<Warmup> warmups = new java.util.ArrayList<>();
  private int roundSeq;

  /** Within 10%: the JIT's share and the change of throughput between two warm-up rounds. */
  private static final double STEADY = 0.10;

  RoundRunner(BenchSettings s, Processes processes, List<RoundResult> results) {
    this.s = s;
    this.results = results;
    this.closed = new ClosedLoopRound(processes, s.bodyBytes());
    this.open = new OpenLoopRound(processes, s);
  }

  void closedLoop(Workload w, List<Pipeline> pipelines, DeliveryTracker tracker)
      throws InterruptedException {
    if (s.warmup()) {
      for (Pipeline p : pipelines) {
        warmUp(w, p, tracker);
      }
    }
    for (int threads : s.threads()) {
      for (int round = 1; round <= s.rounds(); round++) {
        for (Pipeline p : rotated(pipelines, round - 1)) {
          RoundResult r =
              closed.run(p, tracker, w.name(), threads, s.messages(), round, nextKeyPrefix(p));
          results.add(r);
          count(r);
          print("closed", r);
        }
      }
    }
  }

  /**
   * Warm-up rounds at the highest thread count until two rounds in a row agree within {@link
   * #STEADY} on messages per second and the JIT compilers took less than {@link #STEADY} of the
   * CPU, or until {@code warmup.maxSeconds}; at least one round.
   */
  private void warmUp(Workload w, Pipeline p, DeliveryTracker tracker) throws InterruptedException {
    long deadline = System.nanoTime() + s.warmupMaxSeconds() * 1_000_000_000L;
    RoundResult previous = null;
    int rounds = 0;
    while (true) {
      RoundResult r =
          closed.run(p, tracker, w.name(), s.maxThreads(), s.messages(), 0, nextKeyPrefix(p));
      rounds++;
      count(r);
      print("warm-up", r);
      boolean steady =
          previous != null
              && Math.abs(r.perSecond() - previous.perSecond()) <= STEADY * previous.perSecond()
              && r.jitShare() < STEADY;
      if (steady || System.nanoTime() - deadline >= 0) {
        warmups.add(new Warmup(w.name(), p.mode(), rounds, steady, r.perSecond(), r.jitShare()));
        return;
      }
      previous = r;
    }
  }

  /** How the warm-up of one (workload, mode) ended, for the report. */
  record Warmup(
      String workload,
      String mode,
      int rounds,
      boolean steady,
      double lastPerSecond,
      double lastJitShare) {}

  List<Warmup> warmups() {
    return List.copyOf(warmups);
  }

  void openLoop(Workload w, List<Pipeline> pipelines, DeliveryTracker tracker)
      throws InterruptedException {
    int i = 0;
    for (int rate : s.openLoopRates()) {
      for (Pipeline p : rotated(pipelines, i++)) {
        RoundResult r = open.run(p, tracker, w.name(), rate, nextKeyPrefix(p));
        results.add(r);
        count(r);
        print("open", r);
      }
    }
  }

  /** The modes take turns going first. */
  private static List<Pipeline> rotated(List<Pipeline> pipelines, int by) {
    List<Pipeline> order = new java.util.ArrayList<>(pipelines);
    java.util.Collections.rotate(order, -(by % order.size()));
    return order;
  }

  /** Messages sent (committed locally) in {@code mode} since the last call, warm-ups included. */
  long takeSent(String mode) {
    Long n = sentByMode.remove(mode);
    return n == null ? 0 : n;
  }

  private void count(RoundResult r) {
    sentByMode.merge(r.mode(), r.sent(), Long::sum);
  }

  /** Keys are unique over the whole run: they are the orders' primary keys. */
  private String nextKeyPrefix(Pipeline p) {
    return p.mode().substring(0, 2) + ++roundSeq + "-";
  }

  private static void print(String what, RoundResult r) {
    SdkBenchmark.progress(
        "%s",
        String.format(
            Locale.ROOT,
            "%s %s %s load=%d: %d/%d consumed in %.2f s (%.0f msg/s), p50 %.2f ms, p99 %.2f ms,"
                + " failed %d, late %d, JIT %.0f%% of the CPU",
            what,
            r.workload(),
            r.mode(),
            r.load(),
            r.consumed(),
            r.messages(),
            r.seconds(),
            r.perSecond(),
            r.p(50),
            r.p(99),
            r.failed(),
            r.late(),
            100 * r.jitShare()));
  }
}
