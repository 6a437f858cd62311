package io.halfmsg.broker.delivery;

import io.halfmsg.api.RocketMqHeaders;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * An ordinary RocketMQ push consumer, not halfmsg's library: it records what it receives and,
 * optionally, does something with each message (such as acking to the broker over HTTP).
 */
final class PlainConsumer implements AutoCloseable {

  private final DefaultMQPushConsumer consumer;
  private final List<MessageExt> received = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> countsByHalfmsgId = new ConcurrentHashMap<>();
  private volatile Consumer<MessageExt> onMessage = m -> {};

  PlainConsumer(String namesrvAddr, String group, String topic, String tags) throws Exception {
    consumer = new DefaultMQPushConsumer(group);
    consumer.setNamesrvAddr(namesrvAddr);
    consumer.setInstanceName(group + "-" + System.nanoTime());
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    // The group's retry topic appears with the consumer's first heartbeat; find its route soon
    // rather than after RocketMQ's default 30 s.
    consumer.setPollNameServerInterval(1000);
    consumer.subscribe(topic, tags);
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (messages, context) -> {
              for (MessageExt m : messages) {
                received.add(m);
                String id = m.getUserProperty(RocketMqHeaders.MESSAGE_ID);
                if (id != null) {
                  countsByHalfmsgId.merge(id, 1, Integer::sum);
                }
                onMessage.accept(m);
              }
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    consumer.start();
  }

  void onMessage(Consumer<MessageExt> action) {
    this.onMessage = action;
  }

  List<MessageExt> received() {
    return List.copyOf(received);
  }

  int count(String halfmsgId) {
    return countsByHalfmsgId.getOrDefault(halfmsgId, 0);
  }

  @Override
  public void close() {
    consumer.shutdown();
  }
}
