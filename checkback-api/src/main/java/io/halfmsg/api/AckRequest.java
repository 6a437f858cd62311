package io.halfmsg.api;

/**
 * One acknowledgement in the body of {@code POST /api/v1/acks}, which takes a JSON array of them: a
 * consumer group has processed the message and committed its local transaction (with its dedupe
 * row), so the broker stops redelivering it to that group. Acking again is harmless.
 *
 * @param messageId the acknowledged message
 * @param consumerGroup the consumer group that processed it
 */
public record AckRequest(String messageId, String consumerGroup) {}
