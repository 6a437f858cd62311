package io.halfmsg.broker.checkback;

import io.halfmsg.broker.message.DueMessage;
import java.util.List;

/** A claimed message with the live endpoints of its producer group at claim time. */
record DueCheck(DueMessage message, List<String> endpoints) {
  @Override
  public String toString() {
    return message.messageId();
  }
}
