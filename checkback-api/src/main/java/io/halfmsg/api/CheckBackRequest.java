package io.halfmsg.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Body of the broker's check-back, {@code POST {checkBackUrl}}: "what became of the local
 * transaction behind this half message?". It carries the whole message, as RocketMQ hands {@code
 * checkLocalTransaction} the whole message: a check that reads the body must see it. The broker
 * signs the exact bytes it sends (see {@link io.halfmsg.api.signing.RequestSigner}); the producer
 * answers with a {@link CheckBackResponse}.
 *
 * @param messageId the id the message was prepared with
 * @param producerGroup the producer group asked
 * @param topic the message's topic
 * @param tag the message's tag, or {@code null}
 * @param keys the message's keys, or {@code null}
 * @param body the payload as prepared: text, or base64 when {@code bodyEncoding} is {@code base64};
 *     {@code null} only when the request would have exceeded {@link #MAX_REQUEST_BYTES} with it
 *     (the broker then sends the rest) or came from a broker that predates it. See {@link
 *     #bodyBytes()}.
 * @param bodyEncoding {@link PrepareMessageRequest#UTF8} or {@link PrepareMessageRequest#BASE64},
 *     as in the prepare; {@code null} when {@code body} is
 * @param properties the message's user properties, or {@code null}
 * @param bornTimestamp when the broker stored the prepare, in epoch milliseconds (RocketMQ's {@code
 *     bornTimestamp}), or {@code null} from a broker that predates it
 * @param checkCount how many check-backs for this message came before this one (0 on the first)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckBackRequest(
    String messageId,
    String producerGroup,
    String topic,
    String tag,
    String keys,
    String body,
    String bodyEncoding,
    Map<String, String> properties,
    Long bornTimestamp,
    int checkCount) {

  /**
   * The largest check-back request body, in bytes, that producers read and the broker sends: room
   * for a body of RocketMQ's default 4 MiB limit once base64-encoded (5.4 MiB) and the largest keys
   * and properties. A request that would be larger is sent without its body.
   */
  public static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

  /**
   * The body's bytes, decoded as {@link #bodyEncoding()} says; an empty array when the request
   * carries no body.
   *
   * @throws IllegalArgumentException if the body is not valid base64 or the encoding is unknown
   */
  public byte[] bodyBytes() {
    if (body == null) {
      return new byte[0];
    }
    if (bodyEncoding == null || PrepareMessageRequest.UTF8.equals(bodyEncoding)) {
      return body.getBytes(StandardCharsets.UTF_8);
    }
    if (PrepareMessageRequest.BASE64.equals(bodyEncoding)) {
      return Base64.getDecoder().decode(body);
    }
    throw new IllegalArgumentException("Unknown body encoding: " + bodyEncoding);
  }
}
