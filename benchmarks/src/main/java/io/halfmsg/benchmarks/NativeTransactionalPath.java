package io.halfmsg.benchmarks;

import static org.awaitility.Awaitility.await;

import io.halfmsg.benchmarks.HotPathBenchmark.Result;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMq;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/** RocketMQ's own transactional messages: half message, local transaction, commit, consume. */
final class NativeTransactionalPath implements AutoCloseable {

  private static final String TOPIC = "bench_native";

  private final TransactionMQProducer producer;
  private final DefaultMQPushConsumer consumer;
  private final ExecutorService senders;
  private final int threads;
  private final AtomicInteger received = new AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder localNanos =
      new java.util.concurrent.atomic.LongAdder();

  NativeTransactionalPath(EmbeddedRocketMq mq, LocalTransactions local, int threads)
      throws Exception {
    this.threads = threads;
    mq.createTopic(TOPIC);
    producer = new TransactionMQProducer("bench_native_producer");
    producer.setNamesrvAddr(mq.namesrvAddr());
    producer.setTransactionListener(
        new TransactionListener() {
          @Override
          public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
            long t = System.nanoTime();
            local.insertOrder(msg.getKeys());
            localNanos.add(System.nanoTime() - t);
            return LocalTransactionState.COMMIT_MESSAGE;
          }

          @Override
          public LocalTransactionState checkLocalTransaction(MessageExt msg) {
            return LocalTransactionState.COMMIT_MESSAGE;
          }
        });
    producer.start();
    consumer = new DefaultMQPushConsumer("bench_native_consumer");
    consumer.setNamesrvAddr(mq.namesrvAddr());
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    consumer.subscribe(TOPIC, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (msgs, ctx) -> {
              received.addAndGet(msgs.size());
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    consumer.start();
    senders = Executors.newFixedThreadPool(threads);
  }

  Result run(int messages) throws Exception {
    received.set(0);
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(threads);
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      senders.execute(
          () -> {
            try {
              while (next.getAndIncrement() < messages) {
                String orderNo = UUID.randomUUID().toString();
                Message m =
                    new Message(
                        TOPIC,
                        "deduct",
                        orderNo,
                        "{\"sku\":\"p-1\",\"count\":1}".getBytes(StandardCharsets.UTF_8));
                producer.sendMessageInTransaction(m, null);
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            } finally {
              done.countDown();
            }
          });
    }
    done.await();
    await()
        .atMost(5, TimeUnit.MINUTES)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> received.get() >= messages);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "native mean per message: local tx %.2f ms%n", localNanos.sumThenReset() / 1e6 / messages);
    return new Result("RocketMQ native transactional: send → consumed", messages, seconds);
  }

  @Override
  public void close() {
    senders.shutdownNow();
    producer.shutdown();
    consumer.shutdown();
  }
}
