package io.halfmsg.broker.admin;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/** A message in a listing: everything but its body and properties. */
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
    String resolvedBy) {}
