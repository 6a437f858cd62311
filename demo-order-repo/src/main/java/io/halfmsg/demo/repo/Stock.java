package io.halfmsg.demo.repo;

/** One product's stock: what is left, and how much deductions took so far. */
record Stock(String product, int available, int deducted) {}
