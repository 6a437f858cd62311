package io.halfmsg.broker.endpoint;

/** A check-back URL of a producer group whose instance sent a heartbeat recently. */
public record LiveEndpoint(String producerGroup, String checkBackUrl) {}
