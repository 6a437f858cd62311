package io.halfmsg.broker.message;

/** A finished message whose retention ran out ({@link MessageStore#lockExpired}). */
public record ExpiredMessage(long id, String messageId) {}
