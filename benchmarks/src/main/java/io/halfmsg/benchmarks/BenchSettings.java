package io.halfmsg.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Everything a run is configured with, read from {@code bench.*} system properties (or {@code
 * --bench.x=y} arguments). {@code bench.smoke=true} (or {@code --smoke}) switches every default to
 * the tiny run the build's smoke test uses; explicit settings still win.
 *
 * @param workloads names of {@link Workload}s to run
 * @param threads producer thread counts of the closed-loop rounds
 * @param messages messages per closed-loop round
 * @param rounds measured rounds per (workload, threads, mode); the median is reported
 * @param warmup whether each (workload, mode) first runs unmeasured rounds until it is steady
 * @param warmupMaxSeconds how long the warm-up of one (workload, mode) may take at most
 * @param bodyBytes size of each message body
 * @param openLoopRates offered rates of the open-loop rounds, messages per second; empty for none
 * @param openLoopSeconds how long each open-loop rate is offered
 * @param openLoopSenders sender threads of the open loop
 * @param openLoopWorkload the workload the open loop runs
 * @param drainSeconds after its offered window, how long an open-loop round waits for the rest
 * @param delayedBursts sizes of the delayed bursts run after the workloads ({@link DelayedBurst});
 *     empty for none
 * @param producerPool connections of the application's producer-side pool (both modes)
 * @param consumerPool connections of the application's consumer-side pool (both modes)
 * @param consumeThreads consume threads of both consumers (RocketMQ's and halfmsg's default, 20)
 * @param spring whether the order workload also runs halfmsg from Spring ({@link SpringPipeline})
 * @param springPool the Spring application's one pool (producer and consumer side)
 * @param brokerPool the halfmsg broker's pool ({@code spring.datasource.hikari.maximum-pool-size})
 * @param childJvmArgs extra JVM options of the broker and RocketMQ processes (space-separated)
 * @param brokerXmx heap of the halfmsg broker process
 * @param rocketMqXmx heap of the RocketMQ process
 * @param brokerJar the broker's executable jar
 * @param jdbcServer JDBC URL of the MariaDB/MySQL server, without a database
 * @param dbUser database user
 * @param dbPassword database password
 * @param outputDir where the report, the child processes' logs and JFR files go
 * @param jfr whether the broker and RocketMQ processes record a JFR profile
 * @param command the command line that reproduces the run, as the script saw it
 */
record BenchSettings(
    List<String> workloads,
    List<Integer> threads,
    int messages,
    int rounds,
    boolean warmup,
    int warmupMaxSeconds,
    int bodyBytes,
    List<Integer> openLoopRates,
    int openLoopSeconds,
    int openLoopSenders,
    String openLoopWorkload,
    int drainSeconds,
    List<Integer> delayedBursts,
    int producerPool,
    int consumerPool,
    int consumeThreads,
    boolean spring,
    int springPool,
    int brokerPool,
    List<String> childJvmArgs,
    String brokerXmx,
    String rocketMqXmx,
    Path brokerJar,
    String jdbcServer,
    String dbUser,
    String dbPassword,
    Path outputDir,
    boolean jfr,
    String command) {

  /** Reads the settings from system properties, then {@code --bench.x=y} / {@code --smoke} args. */
  static BenchSettings from(Properties system, String... args) {
    Properties p = new Properties();
    system.stringPropertyNames().stream()
        .filter(k -> k.startsWith("bench."))
        .forEach(k -> p.setProperty(k, system.getProperty(k)));
    for (String arg : args) {
      if (arg.equals("--smoke")) {
        p.setProperty("bench.smoke", "true");
      } else if (arg.startsWith("--bench.") && arg.contains("=")) {
        int eq = arg.indexOf('=');
        p.setProperty(arg.substring(2, eq), arg.substring(eq + 1));
      } else {
        throw new IllegalArgumentException(
            "Unknown argument " + arg + " (use --smoke or --bench.<name>=<value>)");
      }
    }
    boolean smoke = Boolean.parseBoolean(p.getProperty("bench.smoke", "false"));
    Map<String, String> d = smoke ? SMOKE : DEFAULTS;
    Function<String, String> get = k -> p.getProperty("bench." + k, d.get(k));
    return new BenchSettings(
        List.of(get.apply("workloads").split(",")),
        ints(get.apply("threads")),
        Integer.parseInt(get.apply("messages")),
        Integer.parseInt(get.apply("rounds")),
        Boolean.parseBoolean(get.apply("warmup")),
        Integer.parseInt(get.apply("warmup.maxSeconds")),
        Integer.parseInt(get.apply("bodyBytes")),
        ints(get.apply("openLoop.rates")),
        Integer.parseInt(get.apply("openLoop.seconds")),
        Integer.parseInt(get.apply("openLoop.senders")),
        get.apply("openLoop.workload"),
        Integer.parseInt(get.apply("openLoop.drainSeconds")),
        ints(get.apply("delayed.bursts")),
        Integer.parseInt(get.apply("pool.producer")),
        Integer.parseInt(get.apply("pool.consumer")),
        Integer.parseInt(get.apply("consumeThreads")),
        Boolean.parseBoolean(get.apply("spring")),
        Integer.parseInt(get.apply("pool.spring")),
        Integer.parseInt(get.apply("pool.broker")),
        List.of(get.apply("childJvmArgs").trim().split("\\s+")).stream()
            .filter(a -> !a.isEmpty())
            .toList(),
        get.apply("broker.xmx"),
        get.apply("rocketmq.xmx"),
        Path.of(get.apply("brokerJar")).toAbsolutePath().normalize(),
        get.apply("db.url"),
        get.apply("db.user"),
        get.apply("db.password"),
        Path.of(get.apply("outputDir")).toAbsolutePath().normalize(),
        Boolean.parseBoolean(get.apply("jfr")),
        get.apply("command"));
  }

  int maxThreads() {
    return threads.stream().mapToInt(Integer::intValue).max().orElse(1);
  }

  /** Connections the run holds at most: the broker's pool plus the application's. */
  int connectionsNeeded() {
    // +1: the driver's own short setup/check connection (databases, schema, row counts).
    return brokerPool + producerPool + consumerPool + (runsSpring() ? springPool : 0) + 1;
  }

  boolean runsSpring() {
    return spring && workloads.stream().anyMatch(w -> w.trim().equals("order"));
  }

  private static List<Integer> ints(String list) {
    List<Integer> out = new ArrayList<>();
    Arrays.stream(list.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(s -> out.add(Integer.parseInt(s)));
    return List.copyOf(out);
  }

  private static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("workloads", "order,messaging-only"),
          Map.entry("threads", "16,64"),
          Map.entry("messages", "10000"),
          Map.entry("rounds", "2"),
          Map.entry("warmup", "true"),
          // Enough for the broker's C2 compiler to finish the hot path on 2 cores (it was still
          // compiling after three 10,000-message rounds).
          Map.entry("warmup.maxSeconds", "180"),
          Map.entry("bodyBytes", "256"),
          Map.entry("openLoop.rates", "200,1000,3000"),
          Map.entry("openLoop.seconds", "60"),
          Map.entry("openLoop.senders", "128"),
          Map.entry("openLoop.workload", "order"),
          Map.entry("openLoop.drainSeconds", "30"),
          // Two sizes, ten times apart: the broker's live heap should be the same for both.
          Map.entry("delayed.bursts", "10000,100000"),
          // Producer threads only hold a connection during their local transaction, which is a
          // part of each send; 40 keeps the whole run well under MariaDB's 151 connections
          // (other test runs share the server).
          Map.entry("pool.producer", "40"),
          Map.entry("consumeThreads", "20"),
          // One connection per consume thread: every handler runs in a transaction.
          Map.entry("pool.consumer", "20"),
          Map.entry("spring", "true"),
          // A Spring Boot application has one DataSource for both sides: 20 for the consume
          // threads, the rest for the producer threads' local transactions.
          Map.entry("pool.spring", "40"),
          // The broker's shipped default (half-msg-broker-defaults.properties).
          Map.entry("pool.broker", "20"),
          Map.entry("childJvmArgs", ""),
          Map.entry("broker.xmx", "1g"),
          Map.entry("rocketmq.xmx", "1g"),
          Map.entry("brokerJar", "half-msg-broker/target/half-msg-broker-0.1.0-SNAPSHOT.jar"),
          Map.entry("db.url", "jdbc:mysql://127.0.0.1:3306/"),
          Map.entry("db.user", "root"),
          Map.entry("db.password", ""),
          Map.entry("outputDir", "benchmarks/target/bench"),
          Map.entry("jfr", "false"),
          Map.entry("command", "(not started through scripts/bench.sh)"));

  private static final Map<String, String> SMOKE = smoke();

  private static Map<String, String> smoke() {
    Map<String, String> m = new java.util.HashMap<>(DEFAULTS);
    m.put("threads", "4");
    m.put("messages", "200");
    m.put("rounds", "1");
    m.put("warmup", "false");
    m.put("openLoop.rates", "100");
    m.put("openLoop.seconds", "2");
    m.put("openLoop.senders", "8");
    m.put("openLoop.drainSeconds", "20");
    m.put("delayed.bursts", "300");
    m.put("pool.producer", "8");
    m.put("pool.consumer", "8");
    m.put("consumeThreads", "8");
    m.put("pool.spring", "12");
    m.put("pool.broker", "10");
    m.put("broker.xmx", "512m");
    // C1 only: the smoke run is over before C2 would pay off, and it starts the broker faster.
    m.put("childJvmArgs", "-XX:TieredStopAtLevel=1");
    m.put("rocketmq.xmx", "512m");
    return Map.copyOf(m);
  }
}
