package io.halfmsg.rocketmq.spring.sample;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.spring.annotation.RocketMQMessageListener;
import org.apache.rocketmq.spring.core.RocketMQListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * A consumer that writes to its database: reserves stock for each order. Orders of amount 13 fail
 * on their first delivery, after the write, as a consumer that hits a transient error does.
 */
@Service
@RocketMQMessageListener(topic = "${sample.topic}", consumerGroup = "${sample.stock-group}")
public class StockConsumer implements RocketMQListener<OrderCreated> {

  private final JdbcTemplate jdbc;
  private final Map<String, Integer> calls = new ConcurrentHashMap<>();
  private final List<String> applied = new CopyOnWriteArrayList<>();

  public StockConsumer(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void onMessage(OrderCreated order) {
    int call = calls.merge(order.orderNo(), 1, Integer::sum);
    jdbc.update(
        "INSERT INTO t_stock_reservation (order_no, amount) VALUES (?, ?)",
        order.orderNo(),
        order.amount());
    if (order.amount() == 13 && call == 1) {
      throw new IllegalStateException("stock service briefly unavailable");
    }
    applied.add(order.orderNo());
  }

  /** The order numbers whose call returned, in the order of the calls. */
  public List<String> applied() {
    return List.copyOf(applied);
  }

  public int calls(String orderNo) {
    return calls.getOrDefault(orderNo, 0);
  }
}
