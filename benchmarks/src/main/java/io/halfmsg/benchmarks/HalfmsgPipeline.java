package io.halfmsg.benchmarks;

import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.TransactionState;
import io.halfmsg.consumer.ConsumerStats;
import io.halfmsg.consumer.HalfmsgConsumer;
import io.halfmsg.producer.CheckBackServer;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.LocalTransaction;
import io.halfmsg.producer.Message;
import io.halfmsg.producer.SendResult;
import io.halfmsg.producer.barrier.BarrierTable;
import io.halfmsg.producer.barrier.BarrierTransactionChecker;

/**
 * halfmsg through the public API a plain-Java user calls: {@code HalfmsgProducer.builder()…build()}
 * and {@code sendInTransaction}, with the barrier row written in the local transaction ({@link
 * BarrierTable#inTransaction}) and check-backs answered by a {@link CheckBackServer} with the
 * {@link BarrierTransactionChecker}; {@code HalfmsgConsumer.builder()…build().start()} with its
 * dedupe table and acks. SDK defaults throughout, except what a user must set: broker URL, tokens,
 * groups, data sources, the check-back secret, and the consume threads (set equal to the native
 * consumer's, which is also both SDKs' default of 20).
 *
 * <p>The ordered variant sends each message with one of {@value #ORDERED_KEYS} sharding keys, on a
 * topic and groups of its own: the broker forwards a key's next message only once the one ahead of
 * it was acked. RocketMQ has no transactional ordered messages to set beside it.
 */
final class HalfmsgPipeline implements Pipeline {

  /** Sharding keys of the ordered variant, spread evenly over the messages. */
  static final int ORDERED_KEYS = 1_000;

  /** The ordered variant's mode in the report. */
  static final String ORDERED_MODE = "halfmsg-ordered";

  private final Workload workload;
  private final boolean ordered;
  private final DeliveryTracker tracker;
  private final String topic;
  private final HalfmsgProducer producer;
  private final CheckBackServer checkBacks;
  private final HalfmsgConsumer consumer;
  private final BarrierTable barrier = new BarrierTable();
  private final AppDatabase db;

  HalfmsgPipeline(
      Workload workload,
      DeliveryTracker tracker,
      AppDatabase db,
      BrokerProcess broker,
      String namesrvAddr,
      int consumeThreads,
      boolean ordered) {
    this.workload = workload;
    this.ordered = ordered;
    this.tracker = tracker;
    this.db = db;
    this.topic = topic(workload, ordered);
    // Named like its topic, so the two variants never share a group.
    String group = topic;
    producer =
        HalfmsgProducer.builder()
            .brokerUrls(broker.url())
            .token(broker.producerToken)
            .producerGroup(group + "_producer")
            .build();
    TransactionChecker checker =
        workload.usesDatabase()
            ? new BarrierTransactionChecker(db.producerPool())
            // No local transaction, nothing to look up: the same answer as the native listener.
            : request -> TransactionState.COMMIT;
    checkBacks =
        CheckBackServer.builder()
            .host("127.0.0.1")
            .secret(broker.checkBackSecret)
            .checker(checker)
            .start(producer);
    consumer =
        HalfmsgConsumer.builder()
            .brokerUrls(broker.url())
            .token(broker.consumerToken)
            .namesrvAddr(namesrvAddr)
            .consumerGroup(group)
            .dataSource(db.consumerPool())
            .consumeThreads(consumeThreads)
            .subscribe(
                topic,
                "*",
                OrderEvent.class,
                (order, message, connection) -> {
                  tracker.arrived(order.orderNo());
                  workload.handle(connection, order);
                })
            .build()
            .start();
  }

  static String topic(Workload workload, boolean ordered) {
    return "bench_halfmsg_" + (ordered ? "ordered_" : "") + workload.id();
  }

  @Override
  public String mode() {
    return ordered ? ORDERED_MODE : "halfmsg";
  }

  @Override
  public boolean send(OrderEvent order) {
    Message message =
        Message.builder(topic)
            .tag("order")
            .keys(order.orderNo())
            .shardingKey(ordered ? shardingKey(order) : null)
            .body(order.toJson())
            .build();
    SendResult r = producer.sendInTransaction(message, localTransaction(order));
    // COMMIT locally means the message will be delivered: if the commit call itself was slow or
    // lost, the SDK retries it in the background and check-back settles it.
    return r.localState() == TransactionState.COMMIT;
  }

  private static String shardingKey(OrderEvent order) {
    return "k-" + Math.floorMod(order.orderNo().hashCode(), ORDERED_KEYS);
  }

  private LocalTransaction localTransaction(OrderEvent order) {
    if (!workload.usesDatabase()) {
      return m -> {
        tracker.localCommitted(order.orderNo());
        return TransactionState.COMMIT;
      };
    }
    LocalTransaction withBarrier =
        barrier.inTransaction(db.producerPool(), (c, m) -> workload.localTransaction(c, order));
    return m -> {
      TransactionState state = withBarrier.execute(m);
      tracker.localCommitted(order.orderNo());
      return state;
    };
  }

  @Override
  public String consumerGroup() {
    return consumer.group();
  }

  @Override
  public long committed() {
    return consumer.stats().handled();
  }

  @Override
  public void close() {
    ConsumerStats stats = consumer.stats();
    SdkBenchmark.progress(
        "halfmsg consumer of %s: %d handled, %d batch transactions, %d of them rolled back and"
            + " applied one message per transaction instead",
        workload.name(), stats.handled(), stats.batches(), stats.batchFallbacks());
    consumer.close();
    checkBacks.close();
    producer.close();
  }
}
