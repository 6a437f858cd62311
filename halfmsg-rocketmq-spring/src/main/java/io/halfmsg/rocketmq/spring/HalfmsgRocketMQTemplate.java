package io.halfmsg.rocketmq.spring;

import io.halfmsg.producer.rocketmq.HalfmsgTransactionMQProducer;
import java.util.List;
import java.util.Objects;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
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
 *
 * <p>Headers named as RocketMQ's delay and sharding key properties become those properties: {@code
 * DELAY} (a delay level, as {@code syncSend(…, delayLevel)}; {@code RocketMQHeaders.DELAY}), {@code
 * TIMER_DELIVER_MS} (epoch ms), {@code TIMER_DELAY_MS}, {@code TIMER_DELAY_SEC} and {@code
 * __SHARDINGKEY}. rocketmq-spring's conversion drops headers named as RocketMQ system properties,
 * the delays among them (its own sends take a delay only as a {@code syncSend} argument), and
 * RocketMQ's transactional producer would drop a delay anyway. The producer maps and checks them as
 * it does for RocketMQ code: an invalid value fails the send with a {@link MessagingException}
 * naming the header.
 */
public class HalfmsgRocketMQTemplate extends RocketMQTemplate {

  /** The headers that delay or order a transactional message, named as the properties they set. */
  private static final List<String> DELIVERY_HEADERS =
      List.of(
          MessageConst.PROPERTY_DELAY_TIME_LEVEL,
          MessageConst.PROPERTY_TIMER_DELIVER_MS,
          MessageConst.PROPERTY_TIMER_DELAY_MS,
          MessageConst.PROPERTY_TIMER_DELAY_SEC,
          MessageConst.PROPERTY_SHARDING_KEY);

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
    for (String header : DELIVERY_HEADERS) {
      Object value = converted.getHeaders().get(header);
      if (value != null) {
        MessageAccessor.putProperty(rocketMsg, header, String.valueOf(value));
      }
    }
    try {
      return halfmsg.sendMessageInTransaction(rocketMsg, arg);
    } catch (MQClientException e) {
      throw RocketMQUtil.convert(e);
    }
  }
}
