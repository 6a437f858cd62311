package io.halfmsg.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.SubscriptionRequest;
import io.halfmsg.api.client.BrokerHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the broker which topics (and tags) a consumer group consumes, so that it creates one
 * delivery per committed message for the group and waits for the group's ack ({@code PUT
 * /api/v1/subscriptions/{group}}).
 */
final class SubscriptionRegistration {

  private static final Logger log = LoggerFactory.getLogger(SubscriptionRegistration.class);
  private static final ObjectMapper ANSWERS = new ObjectMapper();

  private final BrokerApi broker;
  private final String group;
  private final SubscriptionRequest request;

  SubscriptionRegistration(
      BrokerApi broker,
      String group,
      Map<String, Subscription> subscriptions,
      Duration ackTimeout,
      Integer maxAttempts) {
    this.broker = broker;
    this.group = group;
    // The broker creates deliveries only for the tags the group consumes, so it never waits for
    // acks of messages RocketMQ filters away from this group.
    Map<String, String> tags = new TreeMap<>();
    subscriptions.forEach(
        (topic, s) -> {
          if (!s.tags().tags().isEmpty()) {
            tags.put(topic, s.tags().expression());
          }
        });
    this.request =
        new SubscriptionRequest(
            List.copyOf(subscriptions.keySet()),
            ackTimeout == null ? null : ackTimeout.toMillis(),
            maxAttempts,
            tags.isEmpty() ? null : tags);
  }

  /**
   * Registers the subscription.
   *
   * @throws IllegalStateException if no broker gives a usable answer (none reachable, an answer cut
   *     short or unreadable) or the broker refuses it; not retried, so that a consumer that cannot
   *     register does not start consuming
   */
  void register() {
    BrokerHttp.Answer answer = broker.subscribe(group, request);
    if (answer.ok()) {
      warnAboutOtherTopics(answer.body());
      return;
    }
    throw new IllegalStateException(
        "The halfmsg broker did not register the subscription of consumer group "
            + group
            + " to "
            + request.topics()
            + ": "
            + answer.describe());
  }

  /**
   * The broker keeps topics an earlier registration of the group named (so that an old instance
   * restarting during a rolling deploy cannot silently drop a newer one's topics); say so when this
   * consumer does not consume them, since only an operator can remove them.
   */
  private void warnAboutOtherTopics(String answer) {
    List<String> others = new ArrayList<>();
    try {
      ANSWERS.readTree(answer).path("otherTopics").forEach(t -> others.add(t.asText()));
    } catch (IOException e) {
      log.debug("Unreadable subscription answer: {}", e.toString());
    }
    if (!others.isEmpty()) {
      log.warn(
          "The halfmsg broker also waits for acks of consumer group {} on topics {}, which this"
              + " consumer does not subscribe to. If no instance of the group consumes them any"
              + " more, an operator removes them (DELETE /api/v1/subscriptions/{}/topics/<topic>);"
              + " until then their deliveries end DEAD.",
          group,
          others,
          group);
    }
  }
}
