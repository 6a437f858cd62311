package io.halfmsg.demo.repo;

import io.halfmsg.consumer.ReceivedMessage;
import io.halfmsg.consumer.spring.HalfmsgListener;
import io.halfmsg.demo.faults.CrashAfterCommit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Applies stock deductions. consumer-ack runs this method in one local transaction with the dedupe
 * row, so a redelivered message is skipped, and acks the broker only after that transaction
 * commits. If it throws, everything rolls back and the broker redelivers later.
 */
@Component
class DeductionListener {

  private final StockRepository stock;
  private final String crashPrefix;

  /**
   * @param crashPrefix for the chaos test only: halt this process right after applying an order
   *     whose number starts with it, before the ack (see CrashAfterCommit); empty (the default)
   *     never does
   */
  DeductionListener(
      StockRepository stock, @Value("${demo.repo.crash-after-commit-prefix:}") String crashPrefix) {
    this.stock = stock;
    this.crashPrefix = crashPrefix;
  }

  @HalfmsgListener(topic = "repo_deduction", consumerGroup = "repo-service")
  void onDeduction(Deduction deduction, ReceivedMessage message) {
    stock.deduct(message.messageId(), deduction);
    if (!crashPrefix.isEmpty() && deduction.orderNo().startsWith(crashPrefix)) {
      // Only on the first application: a redelivery is a duplicate and never reaches this method.
      CrashAfterCommit.register("deduction of order " + deduction.orderNo());
    }
  }
}
