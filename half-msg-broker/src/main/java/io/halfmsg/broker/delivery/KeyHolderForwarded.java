package io.halfmsg.broker.delivery;

/**
 * RocketMQ stored a message that holds its sharding key: published by the forwarders, which the key
 * handover depends on, so that they need not depend on it.
 */
record KeyHolderForwarded(String messageId) {}
