package io.halfmsg.broker.admin;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * A message in a listing: everything but its body and properties.
 *
 * @param deliverAt when it may be forwarded at the earliest, if the prepare asked for a delay
 */
public record MessageSummary(
    @JsonIgnore long id,
    String messageId,
    String producerGroup,
    String topic,
    String tag,
    String keys,
    String state,
    int checkCount,
    Instant nextCheckAt,
    Instant createdAt,
    Instant resolvedAt,
    String resolvedBy,
    Instant deliverAt) {}
