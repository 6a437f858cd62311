package io.halfmsg.demo.order;

/** The {@code repo_deduction} message's payload: take {@code quantity} of {@code product}. */
record Deduction(String orderNo, String product, int quantity) {

  static final String TOPIC = "repo_deduction";
}
