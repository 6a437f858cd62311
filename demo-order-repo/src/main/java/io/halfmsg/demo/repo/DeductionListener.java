package io.halfmsg.demo.repo;

import io.halfmsg.consumer.ReceivedMessage;
import io.halfmsg.consumer.spring.HalfmsgListener;
import org.springframework.stereotype.Component;

/**
 * Applies stock deductions. consumer-ack runs this method in one local transaction with the dedupe
 * row, so a redelivered message is skipped, and acks the broker only after that transaction
 * commits. If it throws, everything rolls back and the broker redelivers later.
 */
@Component
class DeductionListener {

  private final StockRepository stock;

  DeductionListener(StockRepository stock) {
    this.stock = stock;
  }

  @HalfmsgListener(topic = "repo_deduction", consumerGroup = "repo-service")
  void onDeduction(Deduction deduction, ReceivedMessage message) {
    stock.deduct(message.messageId(), deduction);
  }
}
