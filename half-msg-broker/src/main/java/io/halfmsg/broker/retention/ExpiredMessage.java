package io.halfmsg.broker.retention;

/** A finished message whose retention ran out. */
record ExpiredMessage(long id, String messageId) {}
