package io.halfmsg.api;

/** The broker's answer to prepare, commit and rollback. */
public record MessageStateResponse(String messageId, MessageState state) {}
