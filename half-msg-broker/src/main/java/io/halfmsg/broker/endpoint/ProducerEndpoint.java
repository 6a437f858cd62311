package io.halfmsg.broker.endpoint;

import java.time.Instant;

/** A registered check-back endpoint of a producer instance, as the store keeps it. */
record ProducerEndpoint(
    String producerGroup,
    String checkBackUrl,
    String instanceId,
    Instant registeredAt,
    Instant lastSeenAt) {

  ProducerInstance instance(Instant liveSince) {
    return new ProducerInstance(
        checkBackUrl, instanceId, registeredAt, lastSeenAt, !lastSeenAt.isBefore(liveSince));
  }
}
