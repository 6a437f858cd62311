package io.halfmsg.broker.checkback;

import io.halfmsg.api.TransactionState;

/**
 * What one check-back produced: the state to apply, and for the message's history where it came
 * from or why there was none (never a secret).
 */
record CheckBackAnswer(TransactionState state, String detail) {

  static CheckBackAnswer unknown(String why) {
    return new CheckBackAnswer(TransactionState.UNKNOWN, why);
  }
}
