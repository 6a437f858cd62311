package io.halfmsg.broker.subscription;

import io.halfmsg.api.SubscriptionRequest;
import io.halfmsg.broker.delivery.DeliveryProperties;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import io.halfmsg.broker.web.Violations;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The consumer groups whose acks the broker waits for. A message committed to a topic gets one
 * delivery per group subscribed to it at commit time; subscribe before producing.
 *
 * <p>A subscription only grows by itself: each consumer instance registers the topics it consumes,
 * and topics registered before stay until an operator removes them. Were a registration to replace
 * the group's topics, an instance of an older version restarting during a rolling deploy would
 * silently stop the deliveries of a topic the newer instances consume — and their failed messages
 * would never be sent again. A topic nobody consumes any more instead shows up: its deliveries end
 * DEAD, and the answer to each registration names it ({@code otherTopics}).
 */
@RestController
class SubscriptionController {

  private static final int MAX_TOPICS = 100;
  private static final long MIN_ACK_TIMEOUT_MS = 100;
  private static final long MAX_ACK_TIMEOUT_MS = 86_400_000;
  private static final int MAX_ATTEMPTS = 1000;

  private final SubscriptionMapper mapper;
  private final Subscriptions subscriptions;
  private final TransactionTemplate transaction;
  private final DeliveryProperties defaults;
  private final Clock clock;

  SubscriptionController(
      SubscriptionMapper mapper,
      Subscriptions subscriptions,
      TransactionTemplate transaction,
      DeliveryProperties defaults,
      Clock clock) {
    this.mapper = mapper;
    this.subscriptions = subscriptions;
    this.transaction = transaction;
    this.defaults = defaults;
    this.clock = clock;
  }

  /**
   * @param topics the topics of this registration, with these settings
   * @param otherTopics topics the group was subscribed to before and still is, though this
   *     registration did not name them
   */
  record Subscribed(
      String consumerGroup,
      List<String> topics,
      Map<String, String> tags,
      long ackTimeoutMs,
      int maxAttempts,
      List<String> otherTopics) {}

  /** Adds or updates the group's subscription to these topics; its other topics stay. */
  @PutMapping(path = "/api/v1/subscriptions/{group}", consumes = MediaType.APPLICATION_JSON_VALUE)
  Subscribed subscribe(@PathVariable String group, @RequestBody SubscriptionRequest request) {
    if (request == null) {
      throw Violations.invalid("body", "must be a JSON object");
    }
    Violations v = new Violations();
    v.rocketMqName(group, "consumerGroup");
    List<String> topics = request.topics();
    if (v.check(topics != null && !topics.isEmpty(), "topics", "must be a non-empty array")) {
      v.check(topics.size() <= MAX_TOPICS, "topics", "must have at most 100 entries");
      for (int i = 0; i < topics.size() && i < MAX_TOPICS; i++) {
        v.rocketMqName(topics.get(i), "topics[" + i + "]");
      }
    }
    long ackTimeoutMs =
        request.ackTimeoutMs() == null ? defaults.ackTimeout().toMillis() : request.ackTimeoutMs();
    int maxAttempts =
        request.maxAttempts() == null ? defaults.maxAttempts() : request.maxAttempts();
    v.check(
        ackTimeoutMs >= MIN_ACK_TIMEOUT_MS && ackTimeoutMs <= MAX_ACK_TIMEOUT_MS,
        "ackTimeoutMs",
        "must be between 100 and 86400000");
    v.check(maxAttempts >= 1 && maxAttempts <= MAX_ATTEMPTS, "maxAttempts", "must be 1 to 1000");
    Map<String, String> tags = new TreeMap<>();
    if (request.tags() != null) {
      request
          .tags()
          .forEach(
              (topic, expression) -> {
                if (topics == null || !topics.contains(topic)) {
                  v.add("tags." + topic, "names a topic not in topics");
                  return;
                }
                String normalized = TagFilter.normalize(expression, "tags." + topic, v);
                if (normalized != null) {
                  tags.put(topic, normalized);
                }
              });
    }
    v.throwIfAny();

    List<String> distinct = topics.stream().distinct().sorted().toList();
    Instant now = clock.instant();
    List<String> others =
        transaction.execute(
            status -> {
              distinct.forEach(
                  t -> mapper.upsert(group, t, tags.get(t), ackTimeoutMs, maxAttempts, now));
              return mapper.topicsOf(group).stream().filter(t -> !distinct.contains(t)).toList();
            });
    return new Subscribed(group, distinct, tags, ackTimeoutMs, maxAttempts, others);
  }

  /**
   * Stops waiting for the group's acks on a topic (an operator's call, when no instance of the
   * group consumes it any more). Messages committed from then on get no delivery for the group;
   * existing deliveries stay as they are.
   */
  @DeleteMapping("/api/v1/subscriptions/{group}/topics/{topic}")
  ResponseEntity<Void> unsubscribe(@PathVariable String group, @PathVariable String topic) {
    Violations v = new Violations();
    v.rocketMqName(group, "consumerGroup");
    v.rocketMqName(topic, "topic");
    v.throwIfAny();
    if (mapper.deleteTopic(group, topic) == 0) {
      throw new ApiException(
          ProblemType.SUBSCRIPTION_NOT_FOUND,
          "Consumer group " + group + " is not subscribed to topic " + topic + ".");
    }
    return ResponseEntity.noContent().build();
  }

  /** Every subscription with its lag: un-acked deliveries and the oldest one's creation. */
  @GetMapping("/api/v1/subscriptions")
  List<SubscriptionView> all() {
    return subscriptions.withLag();
  }
}
