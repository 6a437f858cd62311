package io.halfmsg.broker.checkback;

import io.halfmsg.api.TransactionState;
import java.util.List;

/**
 * What one check-back produced: the state to apply, whether a producer gave it (an UNKNOWN may be a
 * producer's answer or no answer at all), and for the message's history where it came from or why
 * there was none (never a secret).
 */
record CheckBackAnswer(TransactionState state, boolean answered, String detail) {

  static CheckBackAnswer of(TransactionState state, String detail) {
    return new CheckBackAnswer(state, true, detail);
  }

  static CheckBackAnswer unknown(String why) {
    return new CheckBackAnswer(TransactionState.UNKNOWN, false, why);
  }

  /** Every {@link #outcome()}. */
  static final List<String> OUTCOMES = List.of("COMMIT", "ROLLBACK", "UNKNOWN", "NO_ANSWER");

  /** The {@code outcome} tag of {@code halfmsg.checkback}. */
  String outcome() {
    return answered ? state.name() : "NO_ANSWER";
  }
}
