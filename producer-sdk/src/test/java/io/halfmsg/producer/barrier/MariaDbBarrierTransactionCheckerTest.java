package io.halfmsg.producer.barrier;

import io.halfmsg.producer.testing.ProducerDatabase;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The barrier on the real MariaDB (InnoDB), as in production on MySQL. */
class MariaDbBarrierTransactionCheckerTest extends BarrierTransactionCheckerTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @Override
  ProducerDatabase openDatabase() throws SQLException {
    return new ProducerDatabase(db);
  }

  @Override
  String duplicateKeySqlState() {
    return "23000";
  }

  @Override
  int duplicateKeyErrorCode() {
    return 1062;
  }
}
