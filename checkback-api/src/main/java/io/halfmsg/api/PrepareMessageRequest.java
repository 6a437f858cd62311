package io.halfmsg.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/messages}: prepare a half message.
 *
 * @param messageId client-chosen idempotency key, time-ordered, at most 64 characters of {@code
 *     [A-Za-z0-9._:-]}; the broker generates one when absent (see {@link MessageIds})
 * @param producerGroup the producer group whose instances answer check-backs for this message
 * @param topic the RocketMQ topic the message goes to once committed
 * @param tag optional RocketMQ tag
 * @param keys optional RocketMQ keys (space separated)
 * @param body the payload; text, or base64 when {@code bodyEncoding} is {@code base64}
 * @param bodyEncoding {@code utf8} (the default) or {@code base64}
 * @param properties optional user properties, copied onto the RocketMQ message
 * @param checkAfterMs optional delay before the first check-back, overriding the broker default
 * @param deliverAfterMs optional: forward the committed message no earlier than this many
 *     milliseconds after the prepare; not together with {@code deliverAt}
 * @param deliverAt optional: forward the committed message no earlier than this time (epoch
 *     milliseconds); not together with {@code deliverAfterMs}
 * @param shardingKey optional key (at most 128 characters, see {@link WireRules#isShardingKey}):
 *     the committed messages of one topic and key reach every consumer group in prepare order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PrepareMessageRequest(
    String messageId,
    String producerGroup,
    String topic,
    String tag,
    String keys,
    String body,
    String bodyEncoding,
    Map<String, String> properties,
    Long checkAfterMs,
    Long deliverAfterMs,
    Long deliverAt,
    String shardingKey) {

  /** Body encoding for text payloads (the default). */
  public static final String UTF8 = "utf8";

  /** Body encoding for binary payloads. */
  public static final String BASE64 = "base64";
}
