package io.halfmsg.broker.endpoint;

import java.time.Instant;

/**
 * A producer instance as operators see it.
 *
 * @param live whether its last heartbeat is recent enough for check-backs to call it
 */
public record ProducerInstance(
    String checkBackUrl,
    String instanceId,
    Instant registeredAt,
    Instant lastHeartbeat,
    boolean live) {}
