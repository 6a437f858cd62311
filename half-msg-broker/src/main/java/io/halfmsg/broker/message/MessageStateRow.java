package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;

/** A message's id and state, as a batch of producer decisions reads them. */
record MessageStateRow(String messageId, MessageState state) {}
