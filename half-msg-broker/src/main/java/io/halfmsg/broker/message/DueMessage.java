package io.halfmsg.broker.message;

import java.time.Instant;
import java.util.Map;

/**
 * A PREPARED message an instance has claimed for a check-back ({@link
 * MessageStore#lockDuePrepared}): what the check-back request carries but the body, which is read
 * after the claim ({@link MessageStore#findAllByIds}). {@code version} is the version the claim
 * wrote: the outcome is applied only if nobody changed the row since. {@code deliverAt} decides
 * when a commit is next looked at ({@link NextLook#afterCommit}).
 */
public record DueMessage(
    long id,
    String messageId,
    String producerGroup,
    String topic,
    String tag,
    String keys,
    Map<String, String> properties,
    int checkCount,
    int version,
    Instant createdAt,
    Instant deliverAt) {}
