package io.halfmsg.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the RocketMQ push consumer of a {@link HalfmsgConsumer}, feeding its processor. */
final class PushConsumers {

  private static final Logger log = LoggerFactory.getLogger(PushConsumers.class);
  private static final Duration RETRY_ROUTE_PATIENCE = Duration.ofSeconds(5);

  private PushConsumers() {}

  static DefaultMQPushConsumer start(
      String group,
      String namesrvAddr,
      String instanceName,
      int consumeThreads,
      int consumeBatchSize,
      Duration shutdownTimeout,
      Collection<Subscription> subscriptions,
      BatchProcessor processor) {
    DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
    c.setNamesrvAddr(namesrvAddr);
    // Own client instance: several consumers in one JVM (other groups, other name servers) must
    // not share one RocketMQ client and its name server.
    c.setInstanceName(
        instanceName != null
            ? instanceName
            : "halfmsg-" + group + "-" + UUID.randomUUID().toString().substring(0, 8));
    c.setConsumeThreadMin(consumeThreads);
    c.setConsumeThreadMax(consumeThreads);
    // Up to this many messages of one pull share a local transaction; a failure among them sends
    // them one by one, so it never costs a neighbour its effect. A pull brings at most
    // pullBatchSize messages (and the broker sends at most maxTransferCountOnMessageInMemory, 32
    // by default): raise the pull so that a larger batch can happen at all.
    c.setConsumeMessageBatchMaxSize(consumeBatchSize);
    c.setPullBatchSize(Math.max(c.getPullBatchSize(), consumeBatchSize));
    // Running handlers finish (and queue their acks) before the consumer is gone.
    c.setAwaitTerminationMillisWhenShutdown(shutdownTimeout.toMillis());
    try {
      for (Subscription s : subscriptions) {
        c.subscribe(s.topic(), s.tags().expression());
      }
      c.registerMessageListener(
          (MessageListenerConcurrently)
              (messages, context) -> {
                processSafely(processor, group, messages);
                // Always: the broker, not RocketMQ, redelivers what was not acked (see
                // HalfmsgConsumer's Javadoc).
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
              });
      c.start();
      RetryTopicRoute.awaitAndRebalance(c, RETRY_ROUTE_PATIENCE);
      return c;
    } catch (MQClientException e) {
      c.shutdown();
      throw new IllegalStateException(
          "Cannot start the RocketMQ consumer of group " + group + " on name server " + namesrvAddr,
          e);
    }
  }

  private static void processSafely(
      BatchProcessor processor, String group, List<MessageExt> messages) {
    try {
      processor.process(messages);
    } catch (RuntimeException | Error e) {
      log.error(
          "Unexpected failure on RocketMQ messages {} of group {}",
          messages.stream().map(MessageExt::getMsgId).toList(),
          group,
          e);
    }
  }
}
