package io.halfmsg.standalone.demo;

import io.halfmsg.demo.scenario.Summary;
import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code java -jar halfmsg-standalone.jar demo [options]}: starts {@link StandaloneDemo}, runs the
 * scenario, prints its summary and exits 0 if CONSISTENT, 1 if not, 2 if the demo could not run.
 *
 * <p>Options: {@code --orders=N} (20), {@code --lost-commits=N} (2), {@code --patience=60s}, {@code
 * --verbose} (the applications' INFO logs), {@code --stay} (ports 8080-8082 and 9876, and keep
 * running after the scenario for the README's curl walkthrough; Ctrl-C stops it).
 */
public final class DemoCommand {

  /** The options of one run. */
  record Options(int orders, int lostCommits, Duration patience, boolean verbose, boolean stay) {

    static Options parse(String... args) {
      int orders = 20;
      int lostCommits = 2;
      Duration patience = Duration.ofSeconds(60);
      boolean verbose = false;
      boolean stay = false;
      for (String arg : args) {
        switch (arg) {
          case "--verbose" -> verbose = true;
          case "--stay" -> stay = true;
          default -> {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
              throw new IllegalArgumentException("unknown argument: " + arg);
            }
            String value = arg.substring(eq + 1);
            switch (arg.substring(2, eq)) {
              case "orders" -> orders = positive("orders", value);
              case "lost-commits" -> lostCommits = Integer.parseInt(value);
              case "patience" -> patience = Duration.parse("PT" + value.toUpperCase());
              default -> throw new IllegalArgumentException("unknown argument: " + arg);
            }
          }
        }
      }
      if (lostCommits < 0 || lostCommits > orders) {
        throw new IllegalArgumentException("--lost-commits must be between 0 and --orders");
      }
      return new Options(orders, lostCommits, patience, verbose, stay);
    }

    private static int positive(String name, String value) {
      int n = Integer.parseInt(value);
      if (n < 1) {
        throw new IllegalArgumentException("--" + name + " must be at least 1");
      }
      return n;
    }

    DemoPorts ports() {
      return stay ? DemoPorts.WELL_KNOWN : DemoPorts.FREE;
    }
  }

  private DemoCommand() {}

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (RuntimeException e) {
      System.err.println("halfmsg demo: " + e.getMessage());
      System.err.println(
          "usage: demo [--orders=N] [--lost-commits=N] [--patience=60s] [--verbose] [--stay]");
      System.exit(2);
      return;
    }
    if (!options.verbose()) {
      // RocketMQ's clients warn about every pull cut short when the demo stops; read by RocketMQ's
      // own logging (embedded-rocketmq's rmq.logback.xml) when it starts.
      System.setProperty("halfmsg.rocketmq.log.level", "ERROR");
    }
    int code = run(System.out, options);
    if (code != 0 || !options.stay()) {
      System.exit(code);
    }
    // --stay: the services' non-daemon threads keep the JVM up until Ctrl-C.
  }

  /** Runs the demo; returns the exit code. With {@code --stay}, leaves it running on success. */
  static int run(PrintStream out, Options options) {
    out.println("halfmsg demo: starting the broker (H2), RocketMQ, repo-service and order-service");
    out.println("in this process" + (options.stay() ? "" : ", on free ports") + " ...");
    long started = System.nanoTime();
    StandaloneDemo demo;
    try {
      demo = StandaloneDemo.start(options.ports(), options.verbose());
    } catch (RuntimeException e) {
      out.println("halfmsg demo: could not start: " + e);
      return 2;
    }
    boolean keep = false;
    try {
      out.printf(
          """
            broker         %s   (RocketMQ name server %s)
            order-service  %s
            repo-service   %s
          started in %.1f s; placing %d orders, %d of them with their commit call lost on purpose ...
          %n""",
          demo.stack().brokerUrl(),
          demo.stack().namesrvAddr(),
          demo.orderServiceUrl(),
          demo.repoServiceUrl(),
          seconds(started),
          options.orders(),
          options.lostCommits());
      long scenario = System.nanoTime();
      Summary summary =
          demo.runScenario(options.orders(), options.lostCommits(), options.patience());
      out.print(summary.report());
      out.printf("(scenario settled in %.1f s)%n", seconds(scenario));
      if (options.stay() && summary.consistent()) {
        printWalkthrough(out, demo);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "halfmsg-demo-shutdown"));
        keep = true;
      }
      return summary.consistent() ? 0 : 1;
    } catch (RuntimeException e) {
      out.println("halfmsg demo: the scenario failed: " + e.getMessage());
      return 2;
    } finally {
      if (!keep) {
        demo.close();
      }
    }
  }

  private static void printWalkthrough(PrintStream out, StandaloneDemo demo) {
    out.printf(
        """

        Still running; try (see the README's walkthrough):
          curl -s -X POST %1$s/orders -H 'Content-Type: application/json' \\
               -d '{"orderNo":"my-1","product":"keyboard","quantity":2}'
          curl -s %2$s/stock/keyboard
          curl -s -H 'Authorization: Bearer %4$s' %3$s/api/v1/messages/<messageId>
        Ctrl-C stops it.
        """,
        demo.orderServiceUrl(),
        demo.repoServiceUrl(),
        demo.stack().brokerUrl(),
        demo.stack().adminToken());
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
