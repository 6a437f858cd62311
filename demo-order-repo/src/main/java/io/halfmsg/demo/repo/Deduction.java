package io.halfmsg.demo.repo;

/** The {@code repo_deduction} message as order-service writes it. */
record Deduction(String orderNo, String product, int quantity) {}
