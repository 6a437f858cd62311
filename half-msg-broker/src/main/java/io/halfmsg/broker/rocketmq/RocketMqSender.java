package io.halfmsg.broker.rocketmq;

import io.halfmsg.api.RocketMqHeaders;
import io.halfmsg.broker.message.StoredMessage;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.selector.SelectMessageQueueByHash;
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
 * user properties, plus its halfmsg id in {@link RocketMqHeaders#MESSAGE_ID} and as RocketMQ's
 * unique key ({@code UNIQ_KEY}, so a consumer's {@code getMsgId()} is the id the producer got), so
 * that any RocketMQ consumer can read them and tag filters and key queries work.
 *
 * <p>Not {@code TRAN_MSG}, which a RocketMQ consumer needs to fill {@code getTransactionId()}: a
 * RocketMQ broker stores a message carrying it as a half message of its own, never delivered.
 */
@Component
public class RocketMqSender implements SmartLifecycle {

  /**
   * The messages of one sharding key go to one queue of their topic, as RocketMQ's ordered messages
   * do, so that a consumer reading the queue in order reads them in order.
   */
  private static final MessageQueueSelector BY_KEY = new SelectMessageQueueByHash();

  private static final Logger log = LoggerFactory.getLogger(RocketMqSender.class);

  private final RocketMqProperties properties;
  private final RocketMqReachability reachability;
  private volatile DefaultMQProducer producer;

  RocketMqSender(RocketMqProperties properties, RocketMqReachability reachability) {
    this.properties = properties;
    this.reachability = reachability;
  }

  /** Whether a name server is configured; without one nothing is sent. */
  public boolean enabled() {
    return properties.configured();
  }

  /** Sends to the message's topic, for every group reading it; calls back when stored or failed. */
  public void sendAsync(StoredMessage m, SendCallback callback) {
    SendCallback observed =
        new SendCallback() {
          @Override
          public void onSuccess(SendResult result) {
            reachability.succeeded();
            callback.onSuccess(result);
          }

          @Override
          public void onException(Throwable e) {
            reachability.failed("forwarding " + m.messageId(), e);
            callback.onException(e);
          }
        };
    try {
      if (m.shardingKey() == null) {
        running().send(toTopic(m), observed, properties.sendTimeout().toMillis());
      } else {
        running()
            .send(
                toTopic(m), BY_KEY, m.shardingKey(), observed, properties.sendTimeout().toMillis());
      }
    } catch (Exception e) {
      observed.onException(e);
    }
  }

  /** Sends to the message's topic and waits until RocketMQ stored it. */
  public void send(StoredMessage m) throws Exception {
    observed(
        "forwarding " + m.messageId(),
        () ->
            m.shardingKey() == null
                ? running().send(toTopic(m), timeout())
                : running().send(toTopic(m), BY_KEY, m.shardingKey(), timeout()));
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
    observed(
        "redelivering " + m.messageId() + " to " + consumerGroup,
        () -> running().send(message, timeout()));
  }

  private interface Send {
    SendResult send() throws Exception;
  }

  /** Runs a synchronous send, tells {@link RocketMqReachability} how it went, and rethrows. */
  private void observed(String what, Send send) throws Exception {
    try {
      requireOk(send.send());
      reachability.succeeded();
    } catch (Exception e) {
      reachability.failed(what, e);
      throw e;
    }
  }

  private long timeout() {
    return properties.sendTimeout().toMillis();
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
    if (m.shardingKey() != null) {
      // RocketMQ 5's message group: what its FIFO consumers (and the proxy's clients) read.
      MessageAccessor.putProperty(message, MessageConst.PROPERTY_SHARDING_KEY, m.shardingKey());
    }
    m.properties().forEach(message::putUserProperty);
    message.putUserProperty(RocketMqHeaders.MESSAGE_ID, m.messageId());
    // RocketMQ's client id of the message (what MessageExt#getMsgId answers, and what
    // DefaultMQProducer would otherwise generate anew for every send): the id the producer was
    // given, on the first send and every redelivery alike.
    MessageAccessor.putProperty(
        message, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, m.messageId());
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
