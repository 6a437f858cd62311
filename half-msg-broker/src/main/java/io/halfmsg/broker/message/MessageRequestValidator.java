package io.halfmsg.broker.message;

import io.halfmsg.api.DecisionRequest;
import io.halfmsg.api.MessageIds;
import io.halfmsg.api.MessageState;
import io.halfmsg.api.PrepareMessageRequest;
import io.halfmsg.api.WireRules;
import io.halfmsg.broker.delivery.DeliveryProperties;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import io.halfmsg.broker.web.Violations;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.springframework.stereotype.Component;

/**
 * Checks prepare requests and producer decisions against the wire contract and turns them into what
 * the service takes. For a batch item, field names carry the item's place (e.g. {@code
 * messages[3].topic}).
 */
@Component
class MessageRequestValidator {

  private static final int MAX_TAG_LENGTH = 127;
  private static final int MAX_KEYS_LENGTH = 1024;
  private static final int MAX_PROPERTIES = 64;
  private static final long MAX_CHECK_AFTER_MS = Duration.ofDays(1).toMillis();

  private final long maxBodyBytes;
  private final Duration maxDelay;
  private final Clock clock;

  MessageRequestValidator(MessageProperties properties, DeliveryProperties delivery, Clock clock) {
    this.maxBodyBytes = properties.maxBodySize().toBytes();
    this.maxDelay = delivery.maxDelay();
    this.clock = clock;
  }

  NewMessage validate(PrepareMessageRequest request) {
    return validate(request, "");
  }

  /** As {@link #validate(PrepareMessageRequest)}, naming fields with {@code prefix} in front. */
  NewMessage validate(PrepareMessageRequest request, String prefix) {
    Violations v = new Violations(prefix);
    String messageId = request.messageId();
    if (messageId != null) {
      v.messageId(messageId, "messageId");
    }
    v.rocketMqName(request.producerGroup(), "producerGroup");
    v.rocketMqName(request.topic(), "topic");
    if (request.topic() != null) {
      v.check(
          !TopicValidator.isSystemTopic(request.topic())
              && !TopicValidator.isNotAllowedSendTopic(request.topic())
              && !request.topic().startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)
              && !request.topic().startsWith(MixAll.DLQ_GROUP_TOPIC_PREFIX),
          "topic",
          "is a RocketMQ system topic");
    }
    if (request.tag() != null) {
      v.check(
          !request.tag().isBlank() && request.tag().length() <= MAX_TAG_LENGTH,
          "tag",
          "must be 1 to 127 characters, not blank");
      v.check(!request.tag().contains("||"), "tag", "must not contain '||'");
      v.check(!hasControlCharacters(request.tag()), "tag", "must not contain control characters");
      v.unicodeText(request.tag(), "tag");
    }
    if (request.keys() != null) {
      v.check(request.keys().length() <= MAX_KEYS_LENGTH, "keys", "must be at most 1024 chars");
      v.check(!hasControlCharacters(request.keys()), "keys", "must not contain control characters");
      v.unicodeText(request.keys(), "keys");
    }
    String encoding =
        request.bodyEncoding() == null ? PrepareMessageRequest.UTF8 : request.bodyEncoding();
    boolean knownEncoding =
        v.check(
            encoding.equals(PrepareMessageRequest.UTF8)
                || encoding.equals(PrepareMessageRequest.BASE64),
            "bodyEncoding",
            "must be 'utf8' or 'base64'");
    byte[] body = null;
    if (v.check(request.body() != null && !request.body().isEmpty(), "body", "is required")
        && knownEncoding) {
      body = decode(request.body(), encoding, v);
    }
    Map<String, String> properties = request.properties() == null ? Map.of() : request.properties();
    checkProperties(properties, v);
    Long checkAfterMs = request.checkAfterMs();
    if (checkAfterMs != null) {
      v.check(
          checkAfterMs >= 0 && checkAfterMs <= MAX_CHECK_AFTER_MS,
          "checkAfterMs",
          "must be between 0 and 86400000 (one day)");
    }
    if (request.shardingKey() != null) {
      v.check(
          WireRules.isShardingKey(request.shardingKey()),
          "shardingKey",
          "must be 1 to 128 characters, not blank, without control characters");
      v.unicodeText(request.shardingKey(), "shardingKey");
    }
    checkDelivery(request.deliverAfterMs(), request.deliverAt(), v);
    v.throwIfAny();
    if (body.length > maxBodyBytes) {
      throw new ApiException(
          ProblemType.PAYLOAD_TOO_LARGE,
          "The message body"
              + (prefix.isEmpty() ? "" : " (" + prefix + "body)")
              + " has "
              + body.length
              + " bytes; halfmsg.message.max-body-size allows "
              + maxBodyBytes
              + ".");
    }
    return new NewMessage(
        messageId == null ? MessageIds.newId() : messageId,
        request.producerGroup(),
        request.topic(),
        request.tag(),
        request.keys(),
        body,
        encoding,
        Map.copyOf(properties),
        checkAfterMs == null ? null : Duration.ofMillis(checkAfterMs),
        request.deliverAfterMs() == null ? null : Duration.ofMillis(request.deliverAfterMs()),
        request.deliverAt() == null ? null : Instant.ofEpochMilli(request.deliverAt()),
        request.shardingKey());
  }

  /**
   * At most one of the two, neither negative nor further away than {@code
   * halfmsg.delivery.max-delay}. A {@code deliverAt} in the past is fine: forwarded at once.
   */
  private void checkDelivery(Long deliverAfterMs, Long deliverAt, Violations v) {
    if (!v.check(
        deliverAfterMs == null || deliverAt == null,
        "deliverAt",
        "must not be given together with deliverAfterMs")) {
      return;
    }
    String most = "at most " + maxDelay.toMillis() + " ms (halfmsg.delivery.max-delay) ahead";
    if (deliverAfterMs != null) {
      v.check(
          deliverAfterMs >= 0 && deliverAfterMs <= maxDelay.toMillis(),
          "deliverAfterMs",
          "must be between 0 and " + maxDelay.toMillis() + " (" + most + ")");
    }
    if (deliverAt != null
        && v.check(deliverAt >= 0, "deliverAt", "must be epoch milliseconds, not negative")) {
      v.check(deliverAt <= clock.millis() + maxDelay.toMillis(), "deliverAt", "must be " + most);
    }
  }

  /**
   * A producer decision of a batch: the state it asks for. The single calls need no such check,
   * their id is the path and their decision the endpoint.
   */
  MessageState decision(DecisionRequest request, String prefix) {
    Violations v = new Violations(prefix);
    if (v.required(request.messageId(), "messageId")) {
      v.messageId(request.messageId(), "messageId");
    }
    String decision = request.decision() == null ? "" : request.decision();
    v.check(
        decision.equals(DecisionRequest.COMMIT) || decision.equals(DecisionRequest.ROLLBACK),
        "decision",
        "must be COMMIT or ROLLBACK");
    v.throwIfAny();
    return decision.equals(DecisionRequest.COMMIT)
        ? MessageState.COMMITTED
        : MessageState.ROLLED_BACK;
  }

  private static byte[] decode(String body, String encoding, Violations v) {
    if (encoding.equals(PrepareMessageRequest.UTF8)) {
      v.unicodeText(body, "body");
      return body.getBytes(StandardCharsets.UTF_8);
    }
    try {
      byte[] decoded = Base64.getDecoder().decode(body);
      v.check(decoded.length > 0, "body", "is required");
      return decoded;
    } catch (IllegalArgumentException e) {
      v.add("body", "is not valid base64");
      return null;
    }
  }

  /** The names and values RocketMQ accepts, as {@link WireRules} says for broker and SDKs. */
  private static void checkProperties(Map<String, String> properties, Violations v) {
    v.check(properties.size() <= MAX_PROPERTIES, "properties", "must have at most 64 entries");
    properties.forEach(
        (name, value) -> {
          if (!v.check(
              WireRules.isPropertyName(name) && Violations.isUnicodeText(name),
              "properties",
              "names must be 1 to 64 characters of Unicode text, not blank, without RocketMQ's"
                  + " separators (chars 1 and 2)")) {
            return;
          }
          v.check(
              !WireRules.isReservedPropertyName(name),
              "properties." + name,
              "is a name RocketMQ or halfmsg reserves");
          v.check(
              WireRules.isPropertyValue(value) && Violations.isUnicodeText(value),
              "properties." + name,
              "must be Unicode text of at most 4096 characters without RocketMQ's separators"
                  + " (chars 1 and 2)");
        });
  }

  private static boolean hasControlCharacters(String s) {
    return s.chars().anyMatch(Character::isISOControl);
  }
}
