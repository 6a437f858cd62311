package io.halfmsg.broker.subscription;

import io.halfmsg.api.SubscriptionRequest;
import io.halfmsg.broker.delivery.DeliveryProperties;
import io.halfmsg.broker.web.Violations;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.MediaType;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The consumer groups whose acks the broker waits for. A message committed to a topic gets one
 * delivery per group subscribed to it at commit time; subscribe before producing.
 */
@RestController
class SubscriptionController {

  private static final int MAX_TOPICS = 100;
  private static final long MIN_ACK_TIMEOUT_MS = 100;
  private static final long MAX_ACK_TIMEOUT_MS = 86_400_000;
  private static final int MAX_ATTEMPTS = 1000;

  private final SubscriptionMapper mapper;
  private final TransactionTemplate transaction;
  private final DeliveryProperties defaults;
  private final Clock clock;

  SubscriptionController(
      SubscriptionMapper mapper,
      TransactionTemplate transaction,
      DeliveryProperties defaults,
      Clock clock) {
    this.mapper = mapper;
    this.transaction = transaction;
    this.defaults = defaults;
    this.clock = clock;
  }

  record Subscribed(
      String consumerGroup,
      List<String> topics,
      Map<String, String> tags,
      long ackTimeoutMs,
      int maxAttempts) {}

  /** Replaces the group's subscription: exactly these topics, with these settings. */
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
    transaction.executeWithoutResult(
        status -> {
          mapper.deleteTopicsNotIn(group, distinct);
          distinct.forEach(
              t -> mapper.upsert(group, t, tags.get(t), ackTimeoutMs, maxAttempts, now));
        });
    return new Subscribed(group, distinct, tags, ackTimeoutMs, maxAttempts);
  }

  @GetMapping("/api/v1/subscriptions")
  List<Subscription> all() {
    return mapper.findAll();
  }
}
