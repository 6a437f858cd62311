package io.halfmsg.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * halfmsg as its SDK users get it, against RocketMQ's native transactional messages, on one
 * machine: RocketMQ in one process, the halfmsg broker's executable jar in another, and this JVM as
 * the application (both SDKs, RocketMQ's own client), all on the local MariaDB. See BENCHMARKS.md
 * for what is measured and how; {@code scripts/bench.sh} runs it.
 */
public final class SdkBenchmark {

  private final BenchSettings settings;

  SdkBenchmark(BenchSettings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    int status = 1;
    try {
      BenchSettings settings = BenchSettings.from(System.getProperties(), args);
      BenchReport report = new SdkBenchmark(settings).run();
      System.out.println();
      System.out.println(report.markdown());
      System.out.println("Report written to " + report.file());
      status = report.allComplete() ? 0 : 2;
    } catch (Throwable e) {
      // Printed here: System.exit below would otherwise swallow it.
      e.printStackTrace();
    } finally {
      // RocketMQ's client threads are not daemons; the shutdown hooks stop the child processes.
      System.exit(status);
    }
  }

  /** Starts everything, runs every round, stops everything, and writes the report. */
  BenchReport run() throws Exception {
    BenchSettings s = settings;
    // RocketMQ's client logs through its own shaded Logback (embedded-rocketmq's
    // rmq.logback.xml); at WARN it reports every pull in flight when a consumer stops.
    if (System.getProperty("halfmsg.rocketmq.log.level") == null) {
      System.setProperty("halfmsg.rocketmq.log.level", "ERROR");
    }
    Files.createDirectories(s.outputDir());
    Path pidFile = s.outputDir().resolve("children.pids");
    Files.deleteIfExists(pidFile);
    Instant started = Instant.now();
    List<Workload> workloads = s.workloads().stream().map(Workload::named).toList();
    List<String> topics = new ArrayList<>();
    for (Workload w : workloads) {
      topics.add(NativePipeline.topic(w));
      topics.add(HalfmsgPipeline.topic(w, false));
      if (w.benchesOrdered()) {
        topics.add(HalfmsgPipeline.topic(w, true));
      }
    }
    if (s.runsSpring()) {
      topics.add(SpringOrderApplication.TOPIC);
    }
    s.delayedBursts().forEach(n -> topics.add(DelayedBurst.topic(n)));
    progress("starting RocketMQ, the halfmsg broker and the application's database");
    try (BenchDatabases db = new BenchDatabases(s)) {
      // Read before this run opens its pools: what others (other test runs) hold already.
      int[] budget = db.connectionBudget();
      if (budget[0] - budget[1] < s.connectionsNeeded()) {
        throw new IllegalStateException(
            String.format(
                "The run needs %d connections; the server allows %d and %d are open already."
                    + " Lower -Dbench.pool.* or wait for other runs to finish.",
                s.connectionsNeeded(), budget[0], budget[1]));
      }
      return run(db, budget, pidFile, started, workloads, topics);
    }
  }

  private BenchReport run(
      BenchDatabases db,
      int[] budget,
      Path pidFile,
      Instant started,
      List<Workload> workloads,
      List<String> topics)
      throws Exception {
    BenchSettings s = settings;
    List<RoundResult> results = new ArrayList<>();
    int namesrvPort = JavaCommand.freePort();
    // Both start at once: on 2 cores the broker's start-up (Spring, Flyway) takes long enough for
    // RocketMQ to be up before the broker first needs it.
    try (RocketMqProcess mq = RocketMqProcess.launch(s, pidFile, namesrvPort, topics);
        BrokerProcess broker = BrokerProcess.launch(s, db, mq.namesrvAddr(), pidFile);
        AppDatabase app = new AppDatabase(db, s)) {
      mq.awaitReady();
      broker.awaitHealthy();
      progress(
          "connections: this run needs up to %d; the server allows %d and has %d open now",
          s.connectionsNeeded(), budget[0], budget[1]);
      Processes processes =
          new Processes(
              List.of(
                  new ProcessCpu("driver", ProcessHandle.current().pid()),
                  new ProcessCpu("halfmsg broker", broker.pid()),
                  new ProcessCpu("rocketmq", mq.pid()),
                  ProcessCpu.databaseServer()));
      RoundRunner runner = new RoundRunner(s, processes, results);
      List<DatabaseCheck> checks = new ArrayList<>();
      long ordersBefore = 0;
      for (Workload w : workloads) {
        DeliveryTracker tracker = new DeliveryTracker();
        List<Pipeline> pipelines = new ArrayList<>();
        try {
          pipelines.add(new NativePipeline(w, tracker, app, mq.namesrvAddr(), s.consumeThreads()));
          pipelines.add(
              new HalfmsgPipeline(
                  w, tracker, app, broker, mq.namesrvAddr(), s.consumeThreads(), false));
          if (w.benchesOrdered()) {
            // After the two the open loop takes: the ordered variant runs closed-loop rounds only.
            pipelines.add(
                new HalfmsgPipeline(
                    w, tracker, app, broker, mq.namesrvAddr(), s.consumeThreads(), true));
          }
          if (s.runsSpring() && w.name().equals("order")) {
            pipelines.add(new SpringPipeline(tracker, db, broker, mq.namesrvAddr(), s));
          }
          runner.closedLoop(w, pipelines, tracker);
          if (w.name().equals(s.openLoopWorkload())) {
            // Native and plain-Java halfmsg only: the open loop is the longest part of a run, and
            // the Spring variant's messaging is the plain one's (its closed loop shows the rest).
            runner.openLoop(w, pipelines.subList(0, 2), tracker);
          }
        } finally {
          // Closing waits for running handlers, so the counts below are final.
          pipelines.forEach(Pipeline::close);
        }
        checks.addAll(check(w, app, runner, ordersBefore, pipelines));
        ordersBefore = app.orders();
      }
      List<DelayedBurst.Result> bursts = new ArrayList<>();
      for (int n : s.delayedBursts()) {
        DelayedBurst burst = new DelayedBurst(n, s, broker, db, app, mq.namesrvAddr());
        DelayedBurst.Result r = burst.run(sendsPerSecond(results));
        bursts.add(r);
        checks.add(
            new DatabaseCheck(
                f("delayed burst of %,d", n),
                "halfmsg dedupe rows",
                r.sent(),
                app.consumed("halfmsg", burst.consumerGroup())));
      }
      progress("stopping");
      return BenchReport.write(
          s,
          started,
          budget,
          processes,
          results,
          checks,
          runner.warmups(),
          bursts,
          BrokerStoreSummary.read(db));
    }
  }

  /**
   * Once the consumers are closed (every handler finished): the orders and dedupe rows of the
   * workload against what its sends reported.
   */
  private static List<DatabaseCheck> check(
      Workload w, AppDatabase app, RoundRunner runner, long ordersBefore, List<Pipeline> pipelines)
      throws java.sql.SQLException {
    List<DatabaseCheck> checks = new ArrayList<>();
    long orders = 0;
    for (Pipeline p : pipelines) {
      long sent = runner.takeSent(p.mode());
      orders += sent;
      // Without a database the native consumer writes no dedupe row.
      if (w.usesDatabase() || !p.mode().equals("native")) {
        checks.add(
            new DatabaseCheck(
                w.name(),
                p.mode() + " dedupe rows",
                sent,
                app.consumed(p.mode(), p.consumerGroup())));
      }
    }
    if (w.usesDatabase()) {
      checks.add(0, new DatabaseCheck(w.name(), "orders", orders, app.orders() - ordersBefore));
    }
    return checks;
  }

  /**
   * What plain halfmsg sends managed end to end without business work at the highest thread count
   * earlier in this run; a cautious guess if that was not run.
   */
  private double sendsPerSecond(List<RoundResult> results) {
    return results.stream()
        .filter(r -> r.loop().equals("closed") && r.mode().equals("halfmsg"))
        .filter(r -> r.workload().equals("messaging-only") && r.load() == settings.maxThreads())
        .mapToDouble(RoundResult::perSecond)
        .max()
        .orElse(500);
  }

  private static String f(String format, Object... args) {
    return String.format(java.util.Locale.ROOT, format, args);
  }

  static void progress(String format, Object... args) {
    System.out.printf("[bench %s] %s%n", Instant.now(), String.format(format, args));
  }
}
