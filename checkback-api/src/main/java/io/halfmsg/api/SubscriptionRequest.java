package io.halfmsg.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code PUT /api/v1/subscriptions/{consumerGroup}}: the topics whose committed messages
 * the broker delivers to the group and then waits for its acks.
 *
 * @param topics the topics the group consumes
 * @param ackTimeoutMs how long the broker waits for an ack before sending again, or {@code null}
 *     for the broker default
 * @param maxAttempts how many deliveries before the delivery is DEAD, or {@code null} for the
 *     broker default
 * @param tags per topic, the RocketMQ tag expression the group consumes ({@code "a || b"}); a topic
 *     absent here, or {@code "*"}, means every tag. Messages with other tags get no delivery for
 *     this group, so the broker does not wait for acks the group will never send.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubscriptionRequest(
    List<String> topics, Long ackTimeoutMs, Integer maxAttempts, Map<String, String> tags) {

  /** A subscription to every tag of its topics. */
  public SubscriptionRequest(List<String> topics, Long ackTimeoutMs, Integer maxAttempts) {
    this(topics, ackTimeoutMs, maxAttempts, null);
  }
}
