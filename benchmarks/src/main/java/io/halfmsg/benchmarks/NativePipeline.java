package io.halfmsg.benchmarks;

import static org.awaitility.Awaitility.await;

import io.halfmsg.rocketmq.embedded.EmbeddedRocketMq;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.consumer.DefaultMQPushConsumerImpl;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * RocketMQ's own transactional messages as a careful user writes them: {@code
 * TransactionMQProducer} whose local transaction inserts the order and whose {@code
 * checkLocalTransaction} looks for it; a {@code DefaultMQPushConsumer} that, for exactly-once
 * effects, inserts a dedupe row (keyed by the message's business key) in the same transaction as
 * the stock deduction. RocketMQ client defaults otherwise, except consuming a new group from the
 * first offset (the topics are new; nothing sent before the first rebalance may be skipped).
 */
final class NativePipeline implements Pipeline {

  private final Workload workload;
  private final DeliveryTracker tracker;
  private final DataSource producerPool;
  private final DataSource consumerPool;
  private final String topic;
  private final String group;
  private final TransactionMQProducer producer;
  private final DefaultMQPushConsumer consumer;
  private final AtomicLong committed = new AtomicLong();

  NativePipeline(
      Workload workload,
      DeliveryTracker tracker,
      AppDatabase db,
      String namesrvAddr,
      int consumeThreads)
      throws MQClientException {
    this.workload = workload;
    this.tracker = tracker;
    this.producerPool = db.producerPool();
    this.consumerPool = db.consumerPool();
    this.topic = topic(workload);
    this.group = "bench_native_" + workload.id();
    producer = new TransactionMQProducer(group + "_producer");
    producer.setNamesrvAddr(namesrvAddr);
    producer.setTransactionListener(new OrderTransactions());
    consumer = new DefaultMQPushConsumer(group);
    consumer.setNamesrvAddr(namesrvAddr);
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    consumer.setConsumeThreadMin(consumeThreads);
    consumer.setConsumeThreadMax(consumeThreads);
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (messages, context) -> {
              for (MessageExt m : messages) {
                try {
                  consume(m);
                } catch (Exception e) {
                  return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                }
              }
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    producer.start();
    consumer.start();
    awaitQueues();
  }

  /**
   * Rebalances until the consumer owns all the topic's queues, as halfmsg's consumer does at its
   * start: otherwise the first messages of the first round would wait for RocketMQ's periodic
   * rebalance (20 s), which is start-up, not messaging.
   */
  private void awaitQueues() {
    DefaultMQPushConsumerImpl impl = consumer.getDefaultMQPushConsumerImpl();
    await("the native consumer to own the queues of " + topic)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              impl.doRebalance();
              return impl.getRebalanceImpl().getProcessQueueTable().keySet().stream()
                      .filter(q -> q.getTopic().equals(topic))
                      .count()
                  >= EmbeddedRocketMq.DEFAULT_QUEUES;
            });
  }

  static String topic(Workload workload) {
    return "bench_native_" + workload.id();
  }

  @Override
  public String mode() {
    return "native";
  }

  @Override
  public boolean send(OrderEvent order) throws Exception {
    Message m = new Message(topic, "order", order.orderNo(), order.toJson());
    TransactionSendResult r = producer.sendMessageInTransaction(m, order);
    return r.getSendStatus() == SendStatus.SEND_OK
        && r.getLocalTransactionState() == LocalTransactionState.COMMIT_MESSAGE;
  }

  @Override
  public String consumerGroup() {
    return group;
  }

  @Override
  public long committed() {
    return committed.get();
  }

  private void consume(MessageExt m) throws SQLException {
    OrderEvent order = OrderEvent.fromJson(m.getBody());
    if (!workload.usesDatabase()) {
      tracker.arrived(order.orderNo());
      committed.incrementAndGet();
      return;
    }
    boolean applied;
    try (Connection c = consumerPool.getConnection()) {
      c.setAutoCommit(false);
      try {
        applied = insertDedupeRow(c, order.orderNo());
        if (applied) {
          tracker.arrived(order.orderNo());
          workload.handle(c, order);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
    if (applied) {
      // Like halfmsg's ConsumerStats.handled(): a duplicate is not a second commit of the work.
      committed.incrementAndGet();
    }
  }

  /** False if the message was applied before: RocketMQ delivers at least once. */
  private boolean insertDedupeRow(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(AppDatabase.NATIVE_DEDUPE)) {
      ps.setString(1, group);
      ps.setString(2, key);
      ps.setObject(3, LocalDateTime.now(ZoneOffset.UTC));
      ps.executeUpdate();
      return true;
    } catch (SQLIntegrityConstraintViolationException duplicate) {
      return false;
    }
  }

  /** The user's {@code TransactionListener}: the local transaction and its check. */
  private final class OrderTransactions implements TransactionListener {

    @Override
    public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
      OrderEvent order = (OrderEvent) arg;
      if (!workload.usesDatabase()) {
        tracker.localCommitted(order.orderNo());
        return LocalTransactionState.COMMIT_MESSAGE;
      }
      try (Connection c = producerPool.getConnection()) {
        c.setAutoCommit(false);
        try {
          workload.localTransaction(c, order);
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          return LocalTransactionState.ROLLBACK_MESSAGE;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        return LocalTransactionState.UNKNOW;
      }
      tracker.localCommitted(order.orderNo());
      return LocalTransactionState.COMMIT_MESSAGE;
    }

    @Override
    public LocalTransactionState checkLocalTransaction(MessageExt msg) {
      if (!workload.usesDatabase()) {
        return LocalTransactionState.COMMIT_MESSAGE;
      }
      try (Connection c = producerPool.getConnection();
          PreparedStatement ps = c.prepareStatement(AppDatabase.ORDER_EXISTS)) {
        ps.setString(1, msg.getKeys());
        try (ResultSet rs = ps.executeQuery()) {
          // Not there yet may mean still running: ask again later rather than roll back.
          return rs.next() ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.UNKNOW;
        }
      } catch (SQLException e) {
        return LocalTransactionState.UNKNOW;
      }
    }
  }

  @Override
  public void close() {
    consumer.shutdown();
    producer.shutdown();
  }
}
