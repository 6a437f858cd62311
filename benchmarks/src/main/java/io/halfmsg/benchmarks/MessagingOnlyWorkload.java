package io.halfmsg.benchmarks;

import java.sql.Connection;

/** No business work at all: what the messaging itself costs in each mode. */
final class MessagingOnlyWorkload implements Workload {

  @Override
  public String name() {
    return "messaging-only";
  }

  @Override
  public boolean usesDatabase() {
    return false;
  }

  @Override
  public boolean benchesOrdered() {
    return true;
  }

  @Override
  public void localTransaction(Connection c, OrderEvent order) {}

  @Override
  public void handle(Connection c, OrderEvent order) {}
}
