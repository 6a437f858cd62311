package io.halfmsg.demo.order;

import io.halfmsg.demo.faults.CrashAfterCommit;
import io.halfmsg.producer.Message;
import io.halfmsg.producer.spring.HalfmsgTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places orders: the order row and its stock-deduction message in one local transaction. */
@Service
class OrderPlacement {

  private final OrderRepository orders;
  private final OrderRules rules;
  private final DeductionMessages messages;
  private final HalfmsgTemplate halfmsg;
  private final LostCommitSender lostCommits;

  OrderPlacement(
      OrderRepository orders,
      OrderRules rules,
      DeductionMessages messages,
      HalfmsgTemplate halfmsg,
      LostCommitSender lostCommits) {
    this.orders = orders;
    this.rules = rules;
    this.messages = messages;
    this.halfmsg = halfmsg;
    this.lostCommits = lostCommits;
  }

  /**
   * Places the order, or refuses it. The message is prepared first (its barrier row goes in early,
   * as the SDK recommends); the broker commits it only if this transaction commits.
   *
   * @param loseCommit send the message so that its commit call never reaches the broker (a process
   *     that dies right after its local commit): the broker's check-back must resolve it
   * @param crashAfterCommit halt this process right after the local commit, before the commit call
   *     (the chaos test): the broker's check-back must resolve it once the service is back
   * @throws OrderRefusedException after the message was prepared: the transaction rolls back, and
   *     so does the message
   * @throws org.springframework.dao.DuplicateKeyException if the order number is taken
   */
  @Transactional
  Order place(
      String orderNo, String product, int quantity, boolean loseCommit, boolean crashAfterCommit) {
    if (crashAfterCommit) {
      CrashAfterCommit.register("order " + orderNo);
    }
    Message message = messages.of(new Deduction(orderNo, product, quantity));
    String messageId = loseCommit ? lostCommits.send(message) : halfmsg.send(message);
    orders.insert(orderNo, product, quantity, messageId);
    rules.check(orderNo, product, quantity, messageId);
    return orders.find(orderNo).orElseThrow();
  }
}
