package io.halfmsg.testsupport.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Sends one message the way the halfmsg broker forwards (DefaultMQProducer, tag, keys, a user
 * property) and receives it the way consumer-ack does (DefaultMQPushConsumer).
 */
final class RoundTrip {

  private RoundTrip() {}

  /** Sends a message to {@code topic} and returns what a fresh consumer group received. */
  static MessageExt sendAndReceive(String namesrvAddr, String topic, String body) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    List<MessageExt> received = new CopyOnWriteArrayList<>();
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("test-consumer-" + suffix);
    DefaultMQProducer producer = new DefaultMQProducer("test-producer-" + suffix);
    try {
      consumer.setNamesrvAddr(namesrvAddr);
      // A new group would otherwise start at the end of the queue and could miss the message.
      consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
      consumer.subscribe(topic, "*");
      consumer.registerMessageListener(
          (MessageListenerConcurrently)
              (messages, context) -> {
                received.addAll(messages);
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
              });
      consumer.start();

      producer.setNamesrvAddr(namesrvAddr);
      producer.start();
      Message message =
          new Message(topic, "TagA", "key-1 key-2", body.getBytes(StandardCharsets.UTF_8));
      message.putUserProperty("halfmsgId", "msg-" + suffix);
      SendResult result = producer.send(message);
      assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);

      await().atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
      MessageExt got = received.get(0);
      assertThat(got.getMsgId()).isEqualTo(result.getMsgId());
      assertThat(got.getUserProperty("halfmsgId")).isEqualTo("msg-" + suffix);
      return got;
    } finally {
      producer.shutdown();
      consumer.shutdown();
    }
  }
}
