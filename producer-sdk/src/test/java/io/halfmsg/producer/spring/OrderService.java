package io.halfmsg.producer.spring;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;

/** The order service of DESIGN.md: an order row and a message about it, in one transaction. */
class OrderService {

  /** The message body. */
  record OrderCreated(String orderNo, int count) {}

  /** A business failure after the message was sent. */
  static class OrderFailed extends RuntimeException {
    final String messageId;

    OrderFailed(String messageId) {
      super("order failed");
      this.messageId = messageId;
    }
  }

  private final JdbcTemplate jdbc;
  private final HalfmsgTemplate halfmsg;

  OrderService(JdbcTemplate jdbc, HalfmsgTemplate halfmsg) {
    this.jdbc = jdbc;
    this.halfmsg = halfmsg;
  }

  @Transactional
  public String placeOrder(String orderNo) {
    return insertAndSend(orderNo);
  }

  @Transactional
  public String placeOrderButRollBack(String orderNo) {
    String id = insertAndSend(orderNo);
    TransactionAspectSupport.currentTransactionStatus().setRollbackOnly();
    return id;
  }

  @Transactional
  public String placeOrderAndFail(String orderNo) {
    throw new OrderFailed(insertAndSend(orderNo));
  }

  @Transactional(propagation = Propagation.NESTED)
  public String placeOrderNestedAndFail(String orderNo) {
    throw new OrderFailed(insertAndSend(orderNo));
  }

  public String placeOrderWithoutTransaction(String orderNo) {
    return insertAndSend(orderNo);
  }

  boolean exists(String orderNo) {
    return !jdbc.queryForList("SELECT 1 FROM t_order WHERE order_no = ?", orderNo).isEmpty();
  }

  private String insertAndSend(String orderNo) {
    String id = halfmsg.send("order_created", orderNo, new OrderCreated(orderNo, 2));
    jdbc.update("INSERT INTO t_order (order_no, message_id) VALUES (?, ?)", orderNo, id);
    return id;
  }
}
