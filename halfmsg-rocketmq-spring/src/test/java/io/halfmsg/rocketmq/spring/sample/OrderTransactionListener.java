package io.halfmsg.rocketmq.spring.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.spring.annotation.RocketMQTransactionListener;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionListener;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionState;
import org.apache.rocketmq.spring.support.RocketMQHeaders;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;

/** The local transaction: insert the order; the check looks it up by the message keys. */
@RocketMQTransactionListener
public class OrderTransactionListener implements RocketMQLocalTransactionListener {

  private final JdbcTemplate jdbc;
  private final Map<String, Integer> checks = new ConcurrentHashMap<>();

  public OrderTransactionListener(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public RocketMQLocalTransactionState executeLocalTransaction(Message msg, Object arg) {
    String orderNo = orderNo(msg);
    String transactionId =
        (String) msg.getHeaders().get(RocketMQHeaders.PREFIX + RocketMQHeaders.TRANSACTION_ID);
    switch (String.valueOf(arg)) {
      case "ROLLBACK":
        return RocketMQLocalTransactionState.ROLLBACK;
      case "UNKNOWN":
        jdbc.update("INSERT INTO t_order (order_no, tx_id) VALUES (?, ?)", orderNo, transactionId);
        return RocketMQLocalTransactionState.UNKNOWN;
      default:
        jdbc.update("INSERT INTO t_order (order_no, tx_id) VALUES (?, ?)", orderNo, transactionId);
        return RocketMQLocalTransactionState.COMMIT;
    }
  }

  @Override
  public RocketMQLocalTransactionState checkLocalTransaction(Message msg) {
    String orderNo = orderNo(msg);
    checks.merge(orderNo, 1, Integer::sum);
    Integer n =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM t_order WHERE order_no = ?", Integer.class, orderNo);
    return n != null && n > 0
        ? RocketMQLocalTransactionState.COMMIT
        : RocketMQLocalTransactionState.ROLLBACK;
  }

  public int checks(String orderNo) {
    return checks.getOrDefault(orderNo, 0);
  }

  private static String orderNo(Message msg) {
    return (String) msg.getHeaders().get(RocketMQHeaders.PREFIX + RocketMQHeaders.KEYS);
  }
}
