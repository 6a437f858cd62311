package io.halfmsg.benchmarks;

import static org.awaitility.Awaitility.await;

import io.halfmsg.api.TransactionState;
import io.halfmsg.consumer.HalfmsgConsumer;
import io.halfmsg.producer.CheckBackServer;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.Message;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Delayed delivery in bulk, through the SDKs: {@code messages} messages sent with {@code
 * sendInTransaction} (no business work), every one with {@code deliverAt} at the same second, held
 * by the broker until then, then forwarded and consumed by a {@link HalfmsgConsumer} with its
 * dedupe table. It shows whether the broker's live heap grows with how many messages it holds or
 * has due at once (it should not: they wait in MySQL and are claimed in bounded batches), that none
 * goes early, and how long after the due second the last one is forwarded and handled.
 */
final class DelayedBurst {

  /** How much the broker's live heap may grow over the burst and still count as not growing. */
  static final long MAX_GROWTH_BYTES = 32L * 1024 * 1024;

  private static final DateTimeFormatter UTC_TEXT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private static final String FORWARDS =
      "SELECT COUNT(*), COALESCE(SUM(forwarded_at < ?), 0),"
          + " TIMESTAMPDIFF(MICROSECOND, ?, MIN(forwarded_at)),"
          + " TIMESTAMPDIFF(MICROSECOND, ?, MAX(forwarded_at))"
          + " FROM hm_message WHERE topic = ? AND forwarded_at IS NOT NULL";

  /**
   * What one burst measured; heap figures in bytes, times in seconds after the due second.
   *
   * @param heapHeld with every message sent and held, just before they are due
   * @param heapPeak the highest reading from the due second until every message was handled
   */
  record Result(
      int messages,
      long sent,
      long failed,
      double sendSeconds,
      double leadSeconds,
      boolean sentBeforeDue,
      long heapBefore,
      long heapHeld,
      long heapPeak,
      long heapAfter,
      long forwarded,
      long early,
      double firstForward,
      double lastForward,
      long handled,
      double lastHandled,
      boolean complete) {

    long growth() {
      return Math.max(heapHeld, heapPeak) - heapBefore;
    }

    /** Every message sent before it was due, none forwarded early, all forwarded and handled. */
    boolean delivered() {
      return complete && failed == 0 && sentBeforeDue && early == 0 && forwarded == sent;
    }

    /** The broker's live heap did not grow with the burst (the target; a result, not an error). */
    boolean bounded() {
      return growth() <= MAX_GROWTH_BYTES;
    }
  }

  static String topic(int messages) {
    return "bench_halfmsg_delayed_" + messages;
  }

  private final int messages;
  private final BenchSettings s;
  private final BrokerProcess broker;
  private final BenchDatabases db;
  private final AppDatabase app;
  private final String namesrvAddr;

  DelayedBurst(
      int messages,
      BenchSettings s,
      BrokerProcess broker,
      BenchDatabases db,
      AppDatabase app,
      String namesrvAddr) {
    this.messages = messages;
    this.s = s;
    this.broker = broker;
    this.db = db;
    this.app = app;
    this.namesrvAddr = namesrvAddr;
  }

  String consumerGroup() {
    return topic(messages);
  }

  /**
   * Runs the burst. {@code sendsPerSecond} is what the run measured for such sends earlier (or a
   * guess): the due second is set far enough ahead that every send finishes before it.
   */
  Result run(double sendsPerSecond) throws Exception {
    String topic = topic(messages);
    LiveHeap heap = new LiveHeap(broker.pid());
    AtomicLong lastHandledAt = new AtomicLong();
    try (HalfmsgProducer producer =
            HalfmsgProducer.builder()
                .brokerUrls(broker.url())
                .token(broker.producerToken)
                .producerGroup(topic + "_producer")
                .build();
        CheckBackServer checkBacks =
            CheckBackServer.builder()
                .host("127.0.0.1")
                .secret(broker.checkBackSecret)
                .checker(request -> TransactionState.COMMIT)
                .start(producer);
        HalfmsgConsumer consumer =
            HalfmsgConsumer.builder()
                .brokerUrls(broker.url())
                .token(broker.consumerToken)
                .namesrvAddr(namesrvAddr)
                .consumerGroup(consumerGroup())
                .dataSource(app.consumerPool())
                .consumeThreads(s.consumeThreads())
                .subscribe(
                    topic,
                    "*",
                    OrderEvent.class,
                    (order, message, connection) ->
                        lastHandledAt.accumulateAndGet(System.currentTimeMillis(), Math::max))
                .build()
                .start()) {
      long heapBefore = heap.bytes();
      // Half the earlier rate, plus a margin: these sends run with nothing else going on, but a
      // send that finishes after the due second would make the burst a trickle.
      Duration lead =
          Duration.ofMillis((long) Math.ceil(messages / (sendsPerSecond / 2) * 1000))
              .plusSeconds(10);
      Instant due = Instant.now().plus(lead).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
      SdkBenchmark.progress(
          "delayed burst: sending %,d messages due at %s (%.0f s from now)",
          messages, due, Duration.between(Instant.now(), due).toMillis() / 1000.0);
      Instant sendStart = Instant.now();
      long[] outcome = send(producer, topic, due);
      Instant sendEnd = Instant.now();

      waitUntil(due.minusSeconds(3));
      long heapHeld = heap.bytes();
      waitUntil(due);
      SdkBenchmark.progress("delayed burst: %,d messages due now", outcome[0]);
      long[] peak = {heapHeld};
      boolean complete = true;
      try {
        await("every delayed message handled")
            .atMost(Duration.ofSeconds(Math.max(120, messages / 100)))
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofSeconds(2))
            .until(
                () -> {
                  peak[0] = Math.max(peak[0], heap.bytes());
                  return app.consumed("halfmsg", consumerGroup()) >= outcome[0];
                });
      } catch (ConditionTimeoutException e) {
        complete = false;
      }
      long heapAfter = heap.bytes();
      double[] forwards = forwards(topic, due);
      return new Result(
          messages,
          outcome[0],
          outcome[1],
          Duration.between(sendStart, sendEnd).toMillis() / 1000.0,
          Duration.between(sendStart, due).toMillis() / 1000.0,
          sendEnd.isBefore(due),
          heapBefore,
          heapHeld,
          peak[0],
          heapAfter,
          (long) forwards[0],
          (long) forwards[1],
          forwards[2],
          forwards[3],
          app.consumed("halfmsg", consumerGroup()),
          (lastHandledAt.get() - due.toEpochMilli()) / 1000.0,
          complete);
    }
  }

  /** Sends every message from the run's highest thread count; {committed, failed}. */
  private long[] send(HalfmsgProducer producer, String topic, Instant due) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicLong committed = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    ExecutorService senders = Executors.newFixedThreadPool(s.maxThreads());
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < s.maxThreads(); t++) {
        running.add(
            senders.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                    String orderNo = "delayed-" + messages + "-" + i;
                    Message m =
                        Message.builder(topic)
                            .tag("delayed")
                            .keys(orderNo)
                            .deliverAt(due)
                            .body(OrderEvent.of(orderNo, i, s.bodyBytes()).toJson())
                            .build();
                    try {
                      if (producer.sendInTransaction(m, msg -> TransactionState.COMMIT).localState()
                          == TransactionState.COMMIT) {
                        committed.incrementAndGet();
                      } else {
                        failed.incrementAndGet();
                      }
                    } catch (RuntimeException e) {
                      failed.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      senders.shutdownNow();
    }
    return new long[] {committed.get(), failed.get()};
  }

  /** {forwarded, forwarded before due, first and last forward in seconds after due}. */
  private double[] forwards(String topic, Instant due) throws SQLException {
    String dueText = UTC_TEXT.format(due);
    try (Connection c = DriverManager.getConnection(db.brokerUrl(), db.user(), db.password());
        PreparedStatement ps = c.prepareStatement(FORWARDS)) {
      ps.setString(1, dueText);
      ps.setString(2, dueText);
      ps.setString(3, dueText);
      ps.setString(4, topic);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new double[] {
          rs.getLong(1), rs.getLong(2), rs.getLong(3) / 1e6, rs.getLong(4) / 1e6
        };
      }
    }
  }

  private static void waitUntil(Instant time) {
    Duration left = Duration.between(Instant.now(), time);
    if (left.isNegative()) {
      return;
    }
    await("the clock to reach " + time)
        .atMost(left.plusSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !Instant.now().isBefore(time));
  }
}
