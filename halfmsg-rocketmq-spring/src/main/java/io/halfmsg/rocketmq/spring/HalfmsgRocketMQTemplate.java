package io.halfmsg.rocketmq.spring;

import io.halfmsg.producer.rocketmq.HalfmsgTransactionMQProducer;
import java.util.Objects;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.apache.rocketmq.spring.support.RocketMQUtil;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * rocketmq-spring's {@link RocketMQTemplate} whose {@link #sendMessageInTransaction} goes through
 * halfmsg; every other send keeps using the template's RocketMQ producer, as before.
 *
 * <p>The message is converted exactly as rocketmq-spring converts it (payload through the
 * template's message converter and charset, {@code topic:tags} destination, headers to properties),
 * then handed to a {@link HalfmsgTransactionMQProducer}, which prepares it at the broker, runs the
 * application's {@code @RocketMQTransactionListener} and commits or rolls back.
 */
public class HalfmsgRocketMQTemplate extends RocketMQTemplate {

  private final HalfmsgTransactionMQProducer halfmsg;
  private final TemplateTransactionListener listener;

  public HalfmsgRocketMQTemplate(HalfmsgTransactionMQProducer halfmsg) {
    this.halfmsg = Objects.requireNonNull(halfmsg, "halfmsg");
    this.listener = new TemplateTransactionListener(this);
    halfmsg.setTransactionListener(listener);
  }

  /** The producer transactional sends go through. */
  public HalfmsgTransactionMQProducer halfmsgProducer() {
    return halfmsg;
  }

  @Override
  public void afterPropertiesSet() throws Exception {
    halfmsg.start();
    super.afterPropertiesSet();
  }

  @Override
  public void destroy() {
    try {
      super.destroy();
    } finally {
      halfmsg.shutdown();
    }
  }

  @Override
  public TransactionSendResult sendMessageInTransaction(
      String destination, Message<?> message, Object arg) throws MessagingException {
    if (listener.registered() == null) {
      throw new IllegalStateException("The rocketMQTemplate does not exist TransactionListener");
    }
    Message<?> converted = doConvert(message.getPayload(), message.getHeaders(), null);
    org.apache.rocketmq.common.message.Message rocketMsg =
        RocketMQUtil.convertToRocketMessage(
            getMessageConverter(), getCharset(), destination, converted);
    try {
      return halfmsg.sendMessageInTransaction(rocketMsg, arg);
    } catch (MQClientException e) {
      throw RocketMQUtil.convert(e);
    }
  }
}
