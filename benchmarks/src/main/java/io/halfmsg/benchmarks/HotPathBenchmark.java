package io.halfmsg.benchmarks;

import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMq;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hot path side by side with RocketMQ's native transactional messages, in one JVM, against the
 * same embedded RocketMQ and the same MariaDB, with the same local transaction (one row inserted
 * and committed) and the same number of producer threads. Each run prints one line; the table at
 * the end has the ratios the README reports.
 *
 * <p>Settings (system properties): {@code bench.messages} (default 20000), {@code bench.threads}
 * (32), {@code bench.warmup} (as many as {@code bench.messages}, per path, not measured).
 */
public final class HotPathBenchmark {

  public static void main(String[] args) throws Exception {
    int messages = Integer.getInteger("bench.messages", 20_000);
    int threads = Integer.getInteger("bench.threads", 32);
    // As many warm-up messages as measured ones: the broker's stack (Tomcat, Spring MVC, Jackson,
    // MyBatis) is still being compiled after a few thousand requests.
    int warmup = Integer.getInteger("bench.warmup", messages);
    System.setProperty("rocketmq.client.logUseSlf4j", "true");

    TestDatabase localDb = new TestDatabase();
    TestDatabase brokerDb = new TestDatabase();
    List<Result> results = new ArrayList<>();
    try (EmbeddedRocketMq mq = EmbeddedRocketMq.start();
        LocalTransactions local = new LocalTransactions(localDb)) {
      try (NativeTransactionalPath rocketmq = new NativeTransactionalPath(mq, local, threads)) {
        rocketmq.run(warmup);
        results.add(rocketmq.run(messages));
      }
      try (HalfmsgPath halfmsg = new HalfmsgPath(mq, brokerDb, local, threads)) {
        halfmsg.run(warmup);
        results.addAll(halfmsg.run(messages));
      }
    } finally {
      localDb.afterAll(null);
      brokerDb.afterAll(null);
    }
    print(results, messages, threads);
    System.exit(0);
  }

  /** One measured path: how long N messages took from the first send to the last arrival. */
  record Result(String path, int messages, double seconds) {
    double perSecond() {
      return messages / seconds;
    }
  }

  private static void print(List<Result> results, int messages, int threads) {
    double baseline = results.get(0).perSecond();
    System.out.printf(
        Locale.ROOT,
        "%n%d messages, %d producer threads, %d cores, %s%n",
        messages,
        threads,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    System.out.println("| path | seconds | messages/s | vs RocketMQ native |");
    System.out.println("|---|---:|---:|---:|");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f | %.0f | %.2f× |%n",
          r.path(),
          r.seconds(),
          r.perSecond(),
          r.perSecond() / baseline);
    }
  }
}
