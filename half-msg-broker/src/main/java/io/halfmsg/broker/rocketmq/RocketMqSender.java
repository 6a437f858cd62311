package io.halfmsg.broker.rocketmq;

import io.halfmsg.api.RocketMqHeaders;
import io.halfmsg.broker.message.StoredMessage;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends committed messages to RocketMQ as ordinary messages: the message's topic, tag, keys and
 * user properties, plus its halfmsg id in {@link RocketMqHeaders#MESSAGE_ID}, so that any RocketMQ
 * consumer can read them and tag filters and key queries work.
 */
@Component
public class RocketMqSender implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RocketMqSender.class);

  private final RocketMqProperties properties;
  private volatile DefaultMQProducer producer;

  RocketMqSender(RocketMqProperties properties) {
    this.properties = properties;
  }

  /** Whether a name server is configured; without one nothing is sent. */
  public boolean enabled() {
    return properties.configured();
  }

  /** Sends to the message's topic, for every group reading it; calls back when stored or failed. */
  public void sendAsync(StoredMessage m, SendCallback callback) {
    try {
      running().send(toTopic(m), callback, properties.sendTimeout().toMillis());
    } catch (Exception e) {
      callback.onException(e);
    }
  }

  /** Sends to the message's topic and waits until RocketMQ stored it. */
  public void send(StoredMessage m) throws Exception {
    requireOk(running().send(toTopic(m), properties.sendTimeout().toMillis()));
  }

  /**
   * Sends to one consumer group only, through the group's retry topic: other groups reading the
   * topic do not see it again. RocketMQ consumers restore the original topic from {@code
   * RETRY_TOPIC}. {@code attempt} (2 for the first redelivery) goes in {@link
   * RocketMqHeaders#ATTEMPT}.
   */
  public void sendToGroup(StoredMessage m, String consumerGroup, int attempt) throws Exception {
    Message message = toTopic(m);
    message.putUserProperty(RocketMqHeaders.ATTEMPT, Integer.toString(attempt));
    message.setTopic(MixAll.getRetryTopic(consumerGroup));
    MessageAccessor.putProperty(message, MessageConst.PROPERTY_RETRY_TOPIC, m.topic());
    requireOk(running().send(message, properties.sendTimeout().toMillis()));
  }

  private static void requireOk(SendResult result) {
    if (result.getSendStatus() != SendStatus.SEND_OK) {
      throw new IllegalStateException("RocketMQ answered " + result.getSendStatus());
    }
  }

  private static Message toTopic(StoredMessage m) {
    Message message = new Message(m.topic(), m.body());
    if (m.tag() != null) {
      message.setTags(m.tag());
    }
    if (m.keys() != null && !m.keys().isBlank()) {
      message.setKeys(m.keys());
    }
    m.properties().forEach(message::putUserProperty);
    message.putUserProperty(RocketMqHeaders.MESSAGE_ID, m.messageId());
    return message;
  }

  private DefaultMQProducer running() {
    DefaultMQProducer p = producer;
    if (p == null) {
      throw new IllegalStateException("No RocketMQ name server configured or not started");
    }
    return p;
  }

  @Override
  public void start() {
    if (!properties.configured()) {
      log.warn(
          "halfmsg.rocketmq.namesrv-addr is not set: committed messages are kept but NOT forwarded"
              + " until it is.");
      return;
    }
    DefaultMQProducer p = new DefaultMQProducer(properties.producerGroup());
    p.setNamesrvAddr(properties.namesrvAddr());
    p.setSendMsgTimeout((int) properties.sendTimeout().toMillis());
    // halfmsg retries through its own scanners; RocketMQ's retries would only add latency.
    p.setRetryTimesWhenSendFailed(1);
    p.setRetryTimesWhenSendAsyncFailed(1);
    p.setInstanceName("halfmsg-broker-" + System.identityHashCode(this));
    try {
      p.start();
    } catch (MQClientException e) {
      throw new IllegalStateException("Cannot start the RocketMQ producer", e);
    }
    producer = p;
  }

  @Override
  public void stop() {
    DefaultMQProducer p = producer;
    producer = null;
    if (p != null) {
      p.shutdown();
    }
  }

  @Override
  public boolean isRunning() {
    return producer != null;
  }

  /**
   * Starts before, and stops after, everything that sends through it: the scanners and the web
   * server, whose graceful shutdown lets commits in flight reach the fast path.
   */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 4096;
  }
}
