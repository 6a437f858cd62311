package io.halfmsg.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Body of the broker's check-back, {@code POST {checkBackUrl}}: "what became of the local
 * transaction behind this half message?". The broker signs the exact bytes it sends (see {@link
 * io.halfmsg.api.signing.RequestSigner}); the producer answers with a {@link CheckBackResponse}.
 *
 * @param messageId the id the message was prepared with
 * @param producerGroup the producer group asked
 * @param topic the message's topic
 * @param tag the message's tag, or {@code null}
 * @param keys the message's keys, or {@code null}
 * @param properties the message's user properties, or {@code null}
 * @param checkCount how many check-backs for this message came before this one (0 on the first)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckBackRequest(
    String messageId,
    String producerGroup,
    String topic,
    String tag,
    String keys,
    Map<String, String> properties,
    int checkCount) {}
