package io.halfmsg.demo.order;

/**
 * A business rule refused the order. Thrown inside the order's transaction after its message was
 * prepared, so the transaction, and with it the message, rolls back.
 */
class OrderRefusedException extends RuntimeException {

  private final String reason;
  private final String title;
  private final String orderNo;
  private final String messageId;

  OrderRefusedException(
      String reason, String title, String detail, String orderNo, String messageId) {
    super(detail);
    this.reason = reason;
    this.title = title;
    this.orderNo = orderNo;
    this.messageId = messageId;
  }

  /** Stable, for the problem's {@code type}. */
  String reason() {
    return reason;
  }

  String title() {
    return title;
  }

  String orderNo() {
    return orderNo;
  }

  /** The rolled-back message, to look up in the broker's admin API. */
  String messageId() {
    return messageId;
  }
}
