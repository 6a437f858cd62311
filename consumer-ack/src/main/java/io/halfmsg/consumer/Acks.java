package io.halfmsg.consumer;

/** Where a consumer hands the ids of messages whose local transaction committed. */
interface Acks {

  void start();

  /** Queues an ack; never blocks the consuming thread. */
  void enqueue(String messageId);

  /** Sends what is queued (within a time limit) and stops. */
  void close();

  long sent();

  long dropped();

  long pending();
}
