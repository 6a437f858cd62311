package io.halfmsg.rocketmq.spring.sample;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.spring.annotation.RocketMQMessageListener;
import org.apache.rocketmq.spring.core.RocketMQListener;
import org.springframework.stereotype.Service;

/** A plain rocketmq-spring consumer of the order events. */
@Service
@RocketMQMessageListener(topic = "${sample.topic}", consumerGroup = "${sample.plain-group}")
public class OrderConsumer implements RocketMQListener<OrderCreated> {

  private final List<OrderCreated> received = new CopyOnWriteArrayList<>();
  private final Map<String, Instant> firstArrivals = new ConcurrentHashMap<>();

  @Override
  public void onMessage(OrderCreated message) {
    firstArrivals.putIfAbsent(message.orderNo(), Instant.now());
    received.add(message);
  }

  public long received(String orderNo) {
    return received.stream().filter(o -> o.orderNo().equals(orderNo)).count();
  }

  /** When the order's event first arrived, or {@code null} before. */
  public Instant firstArrival(String orderNo) {
    return firstArrivals.get(orderNo);
  }
}
