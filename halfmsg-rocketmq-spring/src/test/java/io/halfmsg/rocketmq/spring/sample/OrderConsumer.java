package io.halfmsg.rocketmq.spring.sample;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.spring.annotation.RocketMQMessageListener;
import org.apache.rocketmq.spring.core.RocketMQListener;
import org.springframework.stereotype.Service;

/** A plain rocketmq-spring consumer of the order events. */
@Service
@RocketMQMessageListener(topic = "${sample.topic}", consumerGroup = "${sample.plain-group}")
public class OrderConsumer implements RocketMQListener<OrderCreated> {

  private final List<OrderCreated> received = new CopyOnWriteArrayList<>();

  @Override
  public void onMessage(OrderCreated message) {
    received.add(message);
  }

  public long received(String orderNo) {
    return received.stream().filter(o -> o.orderNo().equals(orderNo)).count();
  }
}
