package io.halfmsg.rocketmq.spring;

import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.spring.core.RocketMQTemplate;

/**
 * The listener rocketmq-spring registered on the template, seen from the halfmsg producer.
 *
 * <p>rocketmq-spring's RocketMQTransactionConfiguration sets the converted
 * {@code @RocketMQTransactionListener} on the template's RocketMQ producer after every singleton
 * exists, which is after the halfmsg producer has started; looking it up on each call lets that
 * registration stay exactly as rocketmq-spring does it.
 */
final class TemplateTransactionListener implements TransactionListener {

  private final RocketMQTemplate template;

  TemplateTransactionListener(RocketMQTemplate template) {
    this.template = template;
  }

  /** The registered listener, or {@code null} before (or without) a registration. */
  TransactionListener registered() {
    return template.getProducer() instanceof TransactionMQProducer p
        ? p.getTransactionListener()
        : null;
  }

  @Override
  public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
    TransactionListener listener = registered();
    if (listener == null) {
      throw new IllegalStateException("The rocketMQTemplate does not exist TransactionListener");
    }
    return listener.executeLocalTransaction(msg, arg);
  }

  @Override
  public LocalTransactionState checkLocalTransaction(MessageExt msg) {
    TransactionListener listener = registered();
    // Not registered yet (a check-back during start-up): let the broker ask again.
    return listener == null ? LocalTransactionState.UNKNOW : listener.checkLocalTransaction(msg);
  }
}
