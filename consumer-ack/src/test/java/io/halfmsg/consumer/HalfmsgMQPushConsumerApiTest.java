package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListener;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.junit.jupiter.api.Test;

/**
 * The ways RocketMQ offers to set a listener or a subscription either go through halfmsg or are
 * refused: none may bypass the local transaction, the dedupe row and the ack.
 */
class HalfmsgMQPushConsumerApiTest {

  @Test
  void aListenerTypedAsTheInterfaceIsWrappedLikeTheTypedOnes() {
    DefaultMQPushConsumer consumer = new HalfmsgMQPushConsumer("g");
    MessageListener concurrently =
        (MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    MessageListener orderly = (MessageListenerOrderly) (msgs, ctx) -> ConsumeOrderlyStatus.SUCCESS;

    consumer.registerMessageListener(concurrently);
    assertThat(consumer.getMessageListener())
        .isInstanceOf(MessageListenerConcurrently.class)
        .isNotSameAs(concurrently);
    consumer.registerMessageListener(orderly);
    assertThat(consumer.getMessageListener())
        .isInstanceOf(MessageListenerOrderly.class)
        .isNotSameAs(orderly);
    assertThatThrownBy(() -> consumer.registerMessageListener(new MessageListener() {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @SuppressWarnings("deprecation")
  void subscriptionsThatWouldBypassTheBrokersRegistrationAreRefused() {
    DefaultMQPushConsumer consumer = new HalfmsgMQPushConsumer("g");

    assertThatThrownBy(() -> consumer.setSubscription(Map.of("TopicTest", "*")))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("subscribe(topic, expression)");
    assertThatThrownBy(() -> consumer.subscribe("TopicTest", "com.example.Filter", "source"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
