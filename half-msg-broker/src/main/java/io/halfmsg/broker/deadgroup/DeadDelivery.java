package io.halfmsg.broker.deadgroup;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/** A DEAD delivery of a group, as a preview lists it. */
public record DeadDelivery(
    @JsonIgnore long id, String messageId, String consumerGroup, String topic, Instant failedAt) {}
