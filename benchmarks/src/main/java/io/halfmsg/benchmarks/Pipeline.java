package io.halfmsg.benchmarks;

/**
 * One mode's producer and consumer for one workload, living in the driver JVM as they would in an
 * application.
 */
interface Pipeline extends AutoCloseable {

  /** {@code native} or {@code halfmsg}. */
  String mode();

  /**
   * Sends one message in a transaction and returns when the producer API returns.
   *
   * @return false if the producer reported anything but a committed message
   */
  boolean send(OrderEvent order) throws Exception;

  /** The consumer group, whose dedupe rows count what it applied. */
  String consumerGroup();

  /** Consumer transactions committed so far (handler work done and durable), since creation. */
  long committed();

  @Override
  void close();
}
