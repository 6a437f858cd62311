package io.halfmsg.producer;

import io.halfmsg.api.TransactionState;

/**
 * What the producer counts. An interface so that Micrometer, an optional dependency, is only loaded
 * when a registry was configured.
 */
interface ProducerMetrics {

  /** Operations whose failures are counted. */
  enum Operation {
    PREPARE,
    COMMIT,
    ROLLBACK,
    LOCAL_TRANSACTION,
    HEARTBEAT
  }

  void prepared();

  void committed();

  void rolledBack();

  void failed(Operation operation);

  /** A check-back answered; {@code state} null means it was refused (bad signature, bad body). */
  void checkBackAnswered(TransactionState state);

  ProducerMetrics NONE =
      new ProducerMetrics() {
        @Override
        public void prepared() {}

        @Override
        public void committed() {}

        @Override
        public void rolledBack() {}

        @Override
        public void failed(Operation operation) {}

        @Override
        public void checkBackAnswered(TransactionState state) {}
      };
}
