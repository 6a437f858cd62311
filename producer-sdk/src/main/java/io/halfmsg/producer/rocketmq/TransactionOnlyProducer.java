package io.halfmsg.producer.rocketmq;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.client.producer.RequestCallback;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * A {@link TransactionMQProducer} whose every operation but {@code sendMessageInTransaction} fails
 * at once with an {@link MQClientException} that says why, instead of RocketMQ's own message about
 * a producer that was never started ({@code CREATE_JUST}): halfmsg carries transactional messages
 * only, and the RocketMQ client underneath is never started.
 */
abstract class TransactionOnlyProducer extends TransactionMQProducer {

  private static final String SEND =
      "halfmsg sends transactional messages only (sendMessageInTransaction); send a"
          + " non-transactional message with a plain RocketMQ DefaultMQProducer";
  private static final String REQUEST =
      "halfmsg does not do RocketMQ request-reply; use a plain RocketMQ DefaultMQProducer";
  private static final String ADMIN =
      "halfmsg does not talk to RocketMQ's name server or brokers from the producer; use RocketMQ's"
          + " admin tools (or halfmsg's admin API for halfmsg's messages)";

  TransactionOnlyProducer(String producerGroup) {
    super(producerGroup);
  }

  private static MQClientException refused(String method, String why) {
    return new MQClientException(method + "(...) is not supported: " + why, null);
  }

  @Override
  public SendResult send(Message msg) throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public SendResult send(Message msg, long timeout) throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public void send(Message msg, SendCallback sendCallback) throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public void send(Message msg, SendCallback sendCallback, long timeout) throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public SendResult send(Message msg, MessageQueue mq) throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public SendResult send(Message msg, MessageQueue mq, long timeout) throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public void send(Message msg, MessageQueue mq, SendCallback sendCallback)
      throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public void send(Message msg, MessageQueue mq, SendCallback sendCallback, long timeout)
      throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public SendResult send(Message msg, MessageQueueSelector selector, Object arg)
      throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public SendResult send(Message msg, MessageQueueSelector selector, Object arg, long timeout)
      throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public void send(
      Message msg, MessageQueueSelector selector, Object arg, SendCallback sendCallback)
      throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public void send(
      Message msg,
      MessageQueueSelector selector,
      Object arg,
      SendCallback sendCallback,
      long timeout)
      throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public SendResult send(Collection<Message> msgs) throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public SendResult send(Collection<Message> msgs, long timeout) throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public SendResult send(Collection<Message> msgs, MessageQueue mq) throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public SendResult send(Collection<Message> msgs, MessageQueue mq, long timeout)
      throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public void send(Collection<Message> msgs, SendCallback sendCallback) throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public void send(Collection<Message> msgs, SendCallback sendCallback, long timeout)
      throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public void send(Collection<Message> msgs, MessageQueue mq, SendCallback sendCallback)
      throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public void send(
      Collection<Message> msgs, MessageQueue mq, SendCallback sendCallback, long timeout)
      throws MQClientException {
    throw refused("send", SEND);
  }

  @Override
  public void sendOneway(Message msg) throws MQClientException {
    throw refused("sendOneway", SEND);
  }

  @Override
  public void sendOneway(Message msg, MessageQueue mq) throws MQClientException {
    throw refused("sendOneway", SEND);
  }

  @Override
  public void sendOneway(Message msg, MessageQueueSelector selector, Object arg)
      throws MQClientException {
    throw refused("sendOneway", SEND);
  }

  @Override
  public SendResult sendDirect(Message msg, MessageQueue mq, SendCallback sendCallback)
      throws MQClientException {
    throw refused("sendDirect", SEND);
  }

  @Override
  public SendResult sendByAccumulator(Message msg, MessageQueue mq, SendCallback sendCallback)
      throws MQClientException {
    throw refused("sendByAccumulator", SEND);
  }

  @Override
  public Message request(Message msg, long timeout) throws MQClientException {
    throw refused("request", REQUEST);
  }

  @Override
  public void request(Message msg, RequestCallback requestCallback, long timeout)
      throws MQClientException {
    throw refused("request", REQUEST);
  }

  @Override
  public Message request(Message msg, MessageQueueSelector selector, Object arg, long timeout)
      throws MQClientException {
    throw refused("request", REQUEST);
  }

  @Override
  public void request(
      Message msg,
      MessageQueueSelector selector,
      Object arg,
      RequestCallback requestCallback,
      long timeout)
      throws MQClientException {
    throw refused("request", REQUEST);
  }

  @Override
  public Message request(Message msg, MessageQueue mq, long timeout) throws MQClientException {
    throw refused("request", REQUEST);
  }

  @Override
  public void request(Message msg, MessageQueue mq, RequestCallback requestCallback, long timeout)
      throws MQClientException {
    throw refused("request", REQUEST);
  }

  @Override
  public List<MessageQueue> fetchPublishMessageQueues(String topic) throws MQClientException {
    throw refused("fetchPublishMessageQueues", ADMIN);
  }

  @Override
  public void createTopic(String key, String newTopic, int queueNum, Map<String, String> attributes)
      throws MQClientException {
    throw refused("createTopic", ADMIN);
  }

  @Override
  public void createTopic(
      String key, String newTopic, int queueNum, int topicSysFlag, Map<String, String> attributes)
      throws MQClientException {
    throw refused("createTopic", ADMIN);
  }

  @Override
  public long searchOffset(MessageQueue mq, long timestamp) throws MQClientException {
    throw refused("searchOffset", ADMIN);
  }

  @Override
  public long maxOffset(MessageQueue mq) throws MQClientException {
    throw refused("maxOffset", ADMIN);
  }

  @Override
  public long minOffset(MessageQueue mq) throws MQClientException {
    throw refused("minOffset", ADMIN);
  }

  @Override
  public long earliestMsgStoreTime(MessageQueue mq) throws MQClientException {
    throw refused("earliestMsgStoreTime", ADMIN);
  }

  @Override
  public QueryResult queryMessage(String topic, String key, int maxNum, long begin, long end)
      throws MQClientException {
    throw refused("queryMessage", ADMIN);
  }

  @Override
  public MessageExt viewMessage(String topic, String msgId) throws MQClientException {
    throw refused("viewMessage", ADMIN);
  }

  @Override
  public String recallMessage(String topic, String recallHandle) throws MQClientException {
    throw refused("recallMessage", ADMIN);
  }
}
