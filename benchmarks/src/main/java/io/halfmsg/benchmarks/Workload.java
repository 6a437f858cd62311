package io.halfmsg.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What the application does around each message, the same in both modes: the producer's local
 * transaction and the consumer's handler. Both modes add what their users must add on top: the
 * barrier row (halfmsg, through the SDK) or a hand-written check; the dedupe row (halfmsg's SDK, a
 * hand-written table for native users who want exactly-once effects).
 */
interface Workload {

  /** As named in {@code bench.workloads}. */
  String name();

  /**
   * Whether there is a local transaction and a consumer transaction at all. Without one, the native
   * producer returns COMMIT_MESSAGE and its consumer does nothing; halfmsg's producer returns
   * COMMIT without a barrier row, and its consumer still writes its dedupe row and acks (the SDK's
   * defaults).
   */
  boolean usesDatabase();

  /** The business part of the producer's local transaction, on the transaction's connection. */
  void localTransaction(Connection c, OrderEvent order) throws SQLException;

  /** The business part of the consumer's transaction, on the transaction's connection. */
  void handle(Connection c, OrderEvent order) throws SQLException;

  /**
   * Whether the run also measures halfmsg's ordered messages on this workload, beside the unordered
   * ones (see {@link HalfmsgPipeline#ORDERED_KEYS}). One workload is enough to show what ordering
   * costs; the one without business work shows it undiluted.
   */
  default boolean benchesOrdered() {
    return false;
  }

  /** A name safe for RocketMQ topics and groups. */
  default String id() {
    return name().replace('-', '_');
  }

  static Workload named(String name) {
    for (Workload w : List.of(new OrderWorkload(), new MessagingOnlyWorkload())) {
      if (w.name().equals(name.trim())) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "Unknown workload " + name + " (known: order, messaging-only)");
  }
}
