package io.halfmsg.rocketmq.spring.sample;

import java.util.Map;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.apache.rocketmq.spring.support.RocketMQHeaders;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Service;

/** Places orders: the order row and its event, through a transactional message. */
@Service
public class OrderService {

  private final RocketMQTemplate rocketMQTemplate;
  private final String topic;

  public OrderService(RocketMQTemplate rocketMQTemplate, @Value("${sample.topic}") String topic) {
    this.rocketMQTemplate = rocketMQTemplate;
    this.topic = topic;
  }

  /**
   * @param outcome what the local transaction answers: COMMIT, ROLLBACK or UNKNOWN (an application
   *     that inserted its order but could not say so)
   */
  public TransactionSendResult placeOrder(String orderNo, int amount, String outcome) {
    return placeOrder(orderNo, amount, outcome, Map.of());
  }

  /**
   * @param headers more headers of the event, e.g. a delay or a sharding key
   */
  public TransactionSendResult placeOrder(
      String orderNo, int amount, String outcome, Map<String, ?> headers) {
    return rocketMQTemplate.sendMessageInTransaction(
        topic + ":created",
        MessageBuilder.withPayload(new OrderCreated(orderNo, amount))
            .setHeader(RocketMQHeaders.KEYS, orderNo)
            .copyHeaders(headers)
            .build(),
        outcome);
  }
}
