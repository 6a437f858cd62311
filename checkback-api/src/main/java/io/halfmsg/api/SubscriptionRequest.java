package io.halfmsg.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Body of {@code PUT /api/v1/subscriptions/{consumerGroup}}: the topics whose committed messages
 * the broker delivers to the group and then waits for its acks.
 *
 * @param topics the topics the group consumes
 * @param ackTimeoutMs how long the broker waits for an ack before sending again, or {@code null}
 *     for the broker default
 * @param maxAttempts how many deliveries before the delivery is DEAD, or {@code null} for the
 *     broker default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubscriptionRequest(List<String> topics, Long ackTimeoutMs, Integer maxAttempts) {}
