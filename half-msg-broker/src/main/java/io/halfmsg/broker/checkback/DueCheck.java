package io.halfmsg.broker.checkback;

import io.halfmsg.broker.message.DueMessage;
import java.util.List;

/**
 * A claimed message with its body (as stored, {@code null} if the row is gone) and the live
 * endpoints of its producer group at claim time.
 */
record DueCheck(DueMessage message, byte[] body, String bodyEncoding, List<String> endpoints) {
  @Override
  public String toString() {
    return message.messageId();
  }
}
