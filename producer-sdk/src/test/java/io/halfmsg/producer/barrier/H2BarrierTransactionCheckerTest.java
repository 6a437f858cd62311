package io.halfmsg.producer.barrier;

import io.halfmsg.producer.testing.ProducerDatabase;
import java.sql.SQLException;

/**
 * The barrier on H2 in MySQL mode, where the standalone demo runs its services: the same answers,
 * with H2's lock timeout and error codes.
 */
class H2BarrierTransactionCheckerTest extends BarrierTransactionCheckerTest {

  @Override
  ProducerDatabase openDatabase() throws SQLException {
    return ProducerDatabase.h2();
  }

  @Override
  String duplicateKeySqlState() {
    return "23505";
  }

  @Override
  int duplicateKeyErrorCode() {
    return 23505;
  }
}
